{#-
    The time bounds of the helpdesk data, one row: the first valid ticket's created_at and the
    as-of instant of SPEC parts D and E, the latest valid timestamp of the valid tickets'
    columns (created_at, first_response_at, resolved_at, updated_at) and of the valid status
    changes (changed_at; none when raw_ticket_status_changes is not supplied). Service levels,
    the business calendar and the ticket lifecycle all read it from here.
-#}
with

tickets as (

    select * from {{ ref('stg_helpdesk__tickets') }}

),

status_changes as (

    select * from {{ ref('stg_helpdesk__ticket_status_changes') }}

),

latest as (

    select
        min(created_at) as first_at,
        max({{ greatest_ts(['created_at', 'first_response_at', 'resolved_at', 'updated_at']) }}) as last_at
    from tickets
    union all
    select
        cast(null as timestamp) as first_at,
        max(changed_at) as last_at
    from status_changes

),

final as (

    select
        min(first_at) as first_created_at,
        max(last_at) as as_of_at
    from latest

)

select * from final
