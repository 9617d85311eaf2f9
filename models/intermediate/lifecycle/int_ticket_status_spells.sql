{#-
    SPEC E: the history of every valid ticket with at least one valid status change, cut into
    spells. Spell 0 is `new`, from created_at to the first change; spell i (i >= 1) starts at
    the i-th change (ordered by changed_at) in its status and lasts until the next change
    (next_changed_at, NULL after the last one). For time in status a spell ends at ended_at =
    coalesce(next_changed_at, as-of instant), so the spells cut [created_at, as-of) exactly.
    Minutes are elapsed (calendar) and business minutes of the business clock (part D).
    A change is a resolution when it moves to solved/closed from neither, a reopen when it
    moves to new/open/pending/on_hold from solved/closed (previous status `new` before the
    first change). Tickets without a history have no rows.
-#}
with

tickets as (

    select * from {{ ref('stg_helpdesk__tickets') }}

),

status_changes as (

    select * from {{ ref('stg_helpdesk__ticket_status_changes') }}

),

as_of as (

    select as_of_at from {{ ref('int_ticket_as_of') }}

),

intervals as (

    select * from {{ ref('int_business_intervals') }}

),

changes_ordered as (

    select
        ticket_id,
        changed_at,
        status,
        row_number() over (partition by ticket_id order by changed_at) as spell_number,
        lag(status) over (partition by ticket_id order by changed_at) as prior_change_status,
        lead(changed_at) over (partition by ticket_id order by changed_at) as next_changed_at
    from status_changes

),

spells as (

    select
        tickets.ticket_id,
        0 as spell_number,
        'new' as status,
        cast(null as {{ dbt.type_string() }}) as previous_status,
        tickets.created_at as started_at,
        first_changes.changed_at as next_changed_at
    from tickets
    inner join changes_ordered as first_changes
        on
            tickets.ticket_id = first_changes.ticket_id
            and first_changes.spell_number = 1
    union all
    select
        ticket_id,
        spell_number,
        status,
        coalesce(prior_change_status, 'new') as previous_status,
        changed_at as started_at,
        next_changed_at
    from changes_ordered

),

bounded as (

    select
        spells.ticket_id,
        spells.spell_number,
        spells.status,
        spells.previous_status,
        spells.started_at,
        spells.next_changed_at,
        coalesce(spells.next_changed_at, as_of.as_of_at) as ended_at
    from spells
    cross join as_of

),

points as (

    select
        ticket_id,
        started_at as point_at
    from bounded
    union
    select
        ticket_id,
        ended_at as point_at
    from bounded

),

clock as (

    {{ business_clock('points', 'intervals', ['ticket_id', 'point_at']) }}

),

final as (

    select
        bounded.ticket_id,
        bounded.spell_number,
        bounded.status,
        bounded.previous_status,
        bounded.started_at,
        bounded.next_changed_at,
        bounded.ended_at,
        bounded.status in ('solved', 'closed') as is_resolved_status,
        bounded.spell_number > 0
        and bounded.status in ('solved', 'closed')
        and bounded.previous_status not in ('solved', 'closed') as is_resolution,
        bounded.spell_number > 0
        and bounded.status not in ('solved', 'closed')
        and bounded.previous_status in ('solved', 'closed') as is_reopen,
        cast({{ microseconds_between('bounded.started_at', 'bounded.ended_at') }} as {{ type_double() }})
        / 60000000.0 as calendar_minutes,
        cast(end_clock.clock_microseconds - start_clock.clock_microseconds as {{ type_double() }})
        / 60000000.0 as business_minutes
    from bounded
    inner join clock as start_clock
        on
            bounded.ticket_id = start_clock.ticket_id
            and bounded.started_at = start_clock.point_at
    inner join clock as end_clock
        on
            bounded.ticket_id = end_clock.ticket_id
            and bounded.ended_at = end_clock.point_at

)

select * from final
