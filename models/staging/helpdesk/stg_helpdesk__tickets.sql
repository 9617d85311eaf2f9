with

base as (

    select * from {{ ref('base_helpdesk__tickets') }}
    where row_status = 'valid'

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
        created_at,
        first_response_at,
        resolved_at,
        agent_replies,
        reopened_count,
        handle_seconds,
        status in ('solved', 'closed') as is_resolved,
        updated_at,
        _classified_at
    from base

)

select * from final
