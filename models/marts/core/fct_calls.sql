{{ config(
    materialized='incremental',
    unique_key='call_id',
    incremental_strategy=base_incremental_strategy(),
    on_schema_change='fail',
    pre_hook="{{ delete_changed_keys('base_phone__calls', 'call_id') }}",
) }}
{%- set change_feed = ref('base_phone__calls') -%}
{%- set service_level_seconds = var('service_level_seconds') -%}
-- One row per valid call (inbound and outbound), with its service-level and handle-time facts.
with

calls as (

    select * from {{ ref('stg_phone__calls') }}
    {% if is_incremental() %}
    where call_id in ({{ changed_keys(change_feed, 'call_id') }})
    {% endif %}

),

final as (

    select
        call_id,
        customer_id,
        agent_id,
        ticket_id,
        direction,
        category,
        disposition,
        is_inbound,
        is_answered,
        is_answered_inbound,
        started_at,
        answered_at,
        ended_at,
        {{ day_of('started_at') }} as started_date,
        talk_seconds,
        hold_seconds,
        wrap_seconds,
        handle_seconds,
        -- average handle time counts answered inbound calls only (SPEC C)
        case when is_answered_inbound then handle_seconds end as answered_inbound_handle_seconds,
        {{ seconds_between('started_at', 'answered_at') }} as speed_of_answer_seconds,
        coalesce(
            answered_at <= {{ dbt.dateadd('second', service_level_seconds, 'started_at') }}, false
        ) as is_answered_within_service_level,
        is_inbound and not is_answered and coalesce(disposition = 'abandoned', false) as is_abandoned,
        is_inbound and coalesce(disposition = 'failed', false) as is_failed_inbound,
        quality_score,
        quality_score is not null as is_quality_reviewed,
        _classified_at
    from calls

)

select * from final
