{%- set quality_pass_score = var('quality_pass_score') -%}
{#-
    One row per agent and month with any activity (a contact, a solved ticket, a survey about
    the agent's work or a shift). Definitions:
    - contacts_handled: contacts (tickets + answered inbound calls) assigned to the agent, by
      month of contact start; fcr_* as in kpi_fcr_monthly, attributed to the contact's agent;
    - tickets_solved: resolved tickets of the agent whose resolved_at falls in the month;
    - csat_*: surveys attributed to the agent (fct_survey_responses.agent_id: the agent of
      the surveyed ticket, else call), month of submitted_at; csat_pct = 100 * share of
      fct_survey_responses.is_csat_satisfied;
    - avg_handle_time_seconds: fct_calls.answered_inbound_handle_seconds of the agent's calls;
    - quality: reviewed calls (quality_score present) of the agent by month of started_at,
      avg_quality_score and quality_pass_pct = 100 * share scoring >= 80;
    - utilization_pct = 100 * handled seconds (ticket handle_seconds + talk/hold/wrap of all the
      agent's answered calls) / scheduled shift seconds, shifts by month of shift start;
    - labor_cost: fct_agent_shifts.labor_cost of the month's shifts; cost_per_contact =
      labor_cost / contacts_handled.
-#}
with

contacts as (

    select * from {{ ref('fct_contacts') }}

),

tickets as (

    select * from {{ ref('fct_tickets') }}

),

calls as (

    select * from {{ ref('fct_calls') }}

),

surveys as (

    select * from {{ ref('fct_survey_responses') }}

),

shifts as (

    select * from {{ ref('fct_agent_shifts') }}

),

agents as (

    select * from {{ ref('dim_agents') }}

),

contact_stats as (

    select
        agent_id,
        {{ month_of('contact_start_at') }} as month,
        count(*) as contacts_handled,
        sum(case when is_fcr_eligible then 1 else 0 end) as fcr_eligible_contacts,
        sum(case when is_first_contact_resolution then 1 else 0 end) as fcr_contacts
    from contacts
    where agent_id is not null
    group by 1, 2

),

solved_stats as (

    select
        agent_id,
        {{ month_of('resolved_at') }} as month,
        count(*) as tickets_solved
    from tickets
    where
        agent_id is not null
        and is_resolved
    group by 1, 2

),

handled_work as (

    select
        agent_id,
        {{ month_of('created_at') }} as month,
        handle_seconds
    from tickets
    where agent_id is not null
    union all
    select
        agent_id,
        {{ month_of('started_at') }} as month,
        handle_seconds
    from calls
    where
        agent_id is not null
        and is_answered

),

handled_stats as (

    select
        agent_id,
        month,
        sum(handle_seconds) as handled_seconds
    from handled_work
    group by 1, 2

),

call_stats as (

    select
        agent_id,
        {{ month_of('started_at') }} as month,
        avg(cast(answered_inbound_handle_seconds as {{ type_double() }}))
            as avg_handle_time_seconds,
        count(quality_score) as reviewed_calls,
        avg(cast(quality_score as {{ type_double() }})) as avg_quality_score,
        sum(case when quality_score >= {{ quality_pass_score }} then 1 else 0 end) as passing_reviews
    from calls
    where agent_id is not null
    group by 1, 2

),

survey_stats as (

    select
        agent_id,
        {{ month_of('submitted_at') }} as month,
        count(csat_score) as csat_responses,
        sum(case when is_csat_satisfied then 1 else 0 end) as satisfied_responses
    from surveys
    where agent_id is not null
    group by 1, 2

),

shift_stats as (

    select
        agent_id,
        {{ month_of('shift_start_at') }} as month,
        sum(scheduled_seconds) as scheduled_seconds,
        sum(labor_cost) as labor_cost
    from shifts
    group by 1, 2

),

agent_months as (

    select
        agent_id,
        month
    from contact_stats
    union
    select
        agent_id,
        month
    from solved_stats
    union
    select
        agent_id,
        month
    from call_stats
    union
    select
        agent_id,
        month
    from survey_stats
    union
    select
        agent_id,
        month
    from shift_stats

),

joined as (

    select
        agent_months.agent_id,
        agent_months.month,
        agents.team,
        coalesce(contact_stats.contacts_handled, 0) as contacts_handled,
        coalesce(solved_stats.tickets_solved, 0) as tickets_solved,
        coalesce(contact_stats.fcr_eligible_contacts, 0) as fcr_eligible_contacts,
        coalesce(contact_stats.fcr_contacts, 0) as fcr_contacts,
        coalesce(survey_stats.csat_responses, 0) as csat_responses,
        survey_stats.satisfied_responses,
        call_stats.avg_handle_time_seconds,
        coalesce(call_stats.reviewed_calls, 0) as reviewed_calls,
        call_stats.avg_quality_score,
        call_stats.passing_reviews,
        coalesce(handled_stats.handled_seconds, 0) as handled_seconds,
        coalesce(shift_stats.scheduled_seconds, 0) as scheduled_seconds,
        -- no shift in the month costs 0 for a known agent (NULL without an hourly_cost)
        coalesce(shift_stats.labor_cost, case when agents.hourly_cost is not null then 0.0 end) as labor_cost
    from agent_months
    left join agents
        on agent_months.agent_id = agents.agent_id
    left join contact_stats
        on
            agent_months.agent_id = contact_stats.agent_id
            and agent_months.month = contact_stats.month
    left join solved_stats
        on
            agent_months.agent_id = solved_stats.agent_id
            and agent_months.month = solved_stats.month
    left join call_stats
        on
            agent_months.agent_id = call_stats.agent_id
            and agent_months.month = call_stats.month
    left join survey_stats
        on
            agent_months.agent_id = survey_stats.agent_id
            and agent_months.month = survey_stats.month
    left join handled_stats
        on
            agent_months.agent_id = handled_stats.agent_id
            and agent_months.month = handled_stats.month
    left join shift_stats
        on
            agent_months.agent_id = shift_stats.agent_id
            and agent_months.month = shift_stats.month

),

final as (

    select
        agent_id,
        month,
        team,
        cast(contacts_handled as bigint) as contacts_handled,
        cast(tickets_solved as bigint) as tickets_solved,
        cast(fcr_eligible_contacts as bigint) as fcr_eligible_contacts,
        cast(fcr_contacts as bigint) as fcr_contacts,
        {{ pct('fcr_contacts', 'fcr_eligible_contacts') }} as fcr_rate,
        cast(csat_responses as bigint) as csat_responses,
        {{ pct('satisfied_responses', 'csat_responses') }} as csat_pct,
        cast(avg_handle_time_seconds as {{ type_double() }}) as avg_handle_time_seconds,
        cast(reviewed_calls as bigint) as reviewed_calls,
        cast(avg_quality_score as {{ type_double() }}) as avg_quality_score,
        {{ pct('passing_reviews', 'reviewed_calls') }} as quality_pass_pct,
        cast(handled_seconds as {{ type_double() }}) as handled_seconds,
        cast(scheduled_seconds as {{ type_double() }}) as scheduled_seconds,
        {{ pct('handled_seconds', 'scheduled_seconds') }} as utilization_pct,
        cast(labor_cost as {{ type_double() }}) as labor_cost,
        case
            when contacts_handled > 0
                then cast(labor_cost / contacts_handled as {{ type_double() }})
        end as cost_per_contact
    from joined

)

select * from final
