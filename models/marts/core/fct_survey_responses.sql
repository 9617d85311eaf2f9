{#
    One row per valid survey response. The free-text comment stays in staging (it may hold
    personal data); has_comment tells whether there was one.
    The survey KPI rules live here, once (SPEC C), and every mart and the semantic layer
    reads these columns:
    - nps_category: promoter (9-10), passive (7-8), detractor (0-6);
    - is_csat_satisfied: csat_score >= 4; is_csat_negative: csat_score <= 2;
    - agent_id: the agent of the surveyed ticket, else of the surveyed call.
    A table rebuilt every run: the agent follows the ticket's and call's latest version.
#}
with

surveys as (

    select * from {{ ref('stg_survey__responses') }}

),

tickets as (

    select * from {{ ref('stg_helpdesk__tickets') }}

),

calls as (

    select * from {{ ref('stg_phone__calls') }}

),

final as (

    select
        surveys.response_id,
        surveys.customer_id,
        surveys.ticket_id,
        surveys.call_id,
        coalesce(tickets.agent_id, calls.agent_id) as agent_id,
        surveys.channel,
        surveys.submitted_at,
        surveys.nps_score,
        case
            when surveys.nps_score >= 9 then 'promoter'
            when surveys.nps_score >= 7 then 'passive'
            when surveys.nps_score >= 0 then 'detractor'
        end as nps_category,
        surveys.csat_score,
        surveys.csat_score >= 4 as is_csat_satisfied,
        surveys.csat_score <= 2 as is_csat_negative,
        surveys.ces_score,
        surveys.comment is not null as has_comment,
        surveys._classified_at
    from surveys
    left join tickets
        on surveys.ticket_id = tickets.ticket_id
    left join calls
        on surveys.call_id = calls.call_id

)

select * from final
