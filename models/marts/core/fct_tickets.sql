{#-
    One row per valid ticket, with durations in named units and its service levels (SPEC D).
    No personal data. Rebuilt in full each run: a pending service level turns breached as
    the as-of instant moves, and business minutes follow the business-hours seeds, so every
    row can change without its ticket changing.
-#}
with

tickets as (

    select * from {{ ref('stg_helpdesk__tickets') }}

),

service_levels as (

    select * from {{ ref('int_ticket_service_levels') }}

),

final as (

    select
        tickets.ticket_id,
        tickets.customer_id,
        tickets.agent_id,
        tickets.channel,
        tickets.category,
        tickets.priority,
        tickets.status,
        tickets.is_resolved,
        tickets.created_at,
        tickets.first_response_at,
        tickets.resolved_at,
        {{ day_of('tickets.created_at') }} as created_date,
        case when tickets.is_resolved then {{ day_of('tickets.resolved_at') }} end as resolved_date,
        tickets.agent_replies,
        tickets.reopened_count,
        tickets.reopened_count > 0 as is_reopened,
        tickets.handle_seconds,
        {{ seconds_between('tickets.created_at', 'tickets.first_response_at') }} / 60.0 as first_response_minutes,
        case
            when tickets.is_resolved then {{ seconds_between('tickets.created_at', 'tickets.resolved_at') }} / 3600.0
        end as resolution_hours,
        service_levels.first_response_business_minutes,
        service_levels.resolution_business_minutes,
        service_levels.has_sla_target,
        service_levels.sla_first_response_status,
        service_levels.sla_resolution_status,
        tickets.updated_at,
        tickets._classified_at
    from tickets
    left join service_levels
        on tickets.ticket_id = service_levels.ticket_id

)

select * from final
