{{ config(
    materialized='incremental',
    unique_key='ticket_id',
    incremental_strategy=base_incremental_strategy(),
    on_schema_change='fail',
    pre_hook="{{ delete_changed_keys('base_helpdesk__tickets', 'ticket_id') }}",
) }}
-- depends_on: {{ ref('base_helpdesk__tickets') }}
-- One row per valid ticket, with durations in named units. No personal data.
with

tickets as (

    select * from {{ ref('stg_helpdesk__tickets') }}
    {% if is_incremental() %}
    where ticket_id in ({{ changed_keys('base_helpdesk__tickets', 'ticket_id') }})
    {% endif %}

),

final as (

    select
        ticket_id,
        customer_id,
        agent_id,
        channel,
        category,
        priority,
        status,
        is_resolved,
        created_at,
        first_response_at,
        resolved_at,
        {{ day_of('created_at') }} as created_date,
        case when is_resolved then {{ day_of('resolved_at') }} end as resolved_date,
        agent_replies,
        reopened_count,
        reopened_count > 0 as is_reopened,
        handle_seconds,
        {{ seconds_between('created_at', 'first_response_at') }} / 60.0 as first_response_minutes,
        case
            when is_resolved then {{ seconds_between('created_at', 'resolved_at') }} / 3600.0
        end as resolution_hours,
        updated_at,
        _classified_at
    from tickets

)

select * from final
