{{ config(
    materialized='incremental',
    unique_key='response_id',
    incremental_strategy=base_incremental_strategy(),
    on_schema_change='fail',
    pre_hook="{{ delete_changed_keys('base_survey__responses', 'response_id') }}",
) }}
{%- set change_feed = ref('base_survey__responses') -%}
{#
    One row per valid survey response. The free-text comment stays in staging (it may hold
    personal data); has_comment tells whether there was one.
    The survey KPI rules live here, once (SPEC C), and every mart and the semantic layer
    reads these columns:
    - nps_category: promoter (9-10), passive (7-8), detractor (0-6);
    - is_csat_satisfied: csat_score >= 4; is_csat_negative: csat_score <= 2.
#}
with

surveys as (

    select * from {{ ref('stg_survey__responses') }}
    {% if is_incremental() %}
    where response_id in ({{ changed_keys(change_feed, 'response_id') }})
    {% endif %}

),

final as (

    select
        response_id,
        customer_id,
        ticket_id,
        call_id,
        channel,
        submitted_at,
        nps_score,
        case
            when nps_score >= 9 then 'promoter'
            when nps_score >= 7 then 'passive'
            when nps_score >= 0 then 'detractor'
        end as nps_category,
        csat_score,
        csat_score >= 4 as is_csat_satisfied,
        csat_score <= 2 as is_csat_negative,
        ces_score,
        comment is not null as has_comment,
        _classified_at
    from surveys

)

select * from final
