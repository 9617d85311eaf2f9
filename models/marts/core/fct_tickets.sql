-- One row per valid ticket, with durations in named units. No personal data.
with

tickets as (

    select * from {{ ref('stg_helpdesk__tickets') }}

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
        updated_at
    from tickets

)

select * from final
