with

base as (

    select * from {{ ref('base_helpdesk__ticket_status_changes') }}
    where row_status = 'valid'

),

final as (

    select
        ticket_id,
        changed_at,
        status,
        status in ('solved', 'closed') as is_resolved_status,
        _classified_at
    from base

)

select * from final
