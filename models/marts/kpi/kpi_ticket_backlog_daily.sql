{#-
    SPEC E: the backlog by status at the end of every local day D, from the day the first
    ticket with a history was created to the day of the as-of instant. E is the next local
    midnight (as an instant). A ticket with a history created before E is counted by its
    status just before E: the spell (int_ticket_status_spells) with started_at < E <=
    next_changed_at (no next change: open-ended), so a ticket solved exactly at E is still in
    day D's backlog. In local days that is day_of(started_at) <= D < day_of(next_changed_at).
    Aged: unresolved and created_at <= E - 168 hours (7 days) resp. E - 720 hours (30 days).
-#}
with

spells as (

    select * from {{ ref('int_ticket_status_spells') }}

),

lifecycle as (

    select * from {{ ref('fct_ticket_lifecycle') }}

),

as_of as (

    select as_of_at from {{ ref('int_ticket_as_of') }}

),

bounds as (

    select
        min(lifecycle.created_at) as first_at,
        max(as_of.as_of_at) as last_at
    from lifecycle
    cross join as_of

),

days as (

    select
        period as day,
        {{ local_to_utc('cast(' ~ dbt.dateadd('day', '1', 'cast(period as timestamp)') ~ ' as timestamp)') }}
            as day_end_at
    from ({{ period_series('day', 'bounds', 'first_at', 'last_at') }}) as periods

),

open_spells as (

    select
        spells.ticket_id,
        spells.status,
        lifecycle.created_at,
        {{ day_of('spells.started_at') }} as first_day,
        {{ day_of('spells.next_changed_at') }} as until_day
    from spells
    inner join lifecycle
        on spells.ticket_id = lifecycle.ticket_id
    where not spells.is_resolved_status

),

daily as (

    select
        days.day,
        count(*) as unresolved_tickets,
        {%- for status in ['new', 'open', 'pending', 'on_hold'] %}
        sum(case when open_spells.status = '{{ status }}' then 1 else 0 end) as {{ status }}_tickets,
        {%- endfor %}
        sum(case
            when open_spells.created_at <= {{ dbt.dateadd('hour', '-168', 'days.day_end_at') }} then 1 else 0
        end) as aged_7_days_plus_tickets,
        sum(case
            when open_spells.created_at <= {{ dbt.dateadd('hour', '-720', 'days.day_end_at') }} then 1 else 0
        end) as aged_30_days_plus_tickets
    from days
    inner join open_spells
        on
            days.day >= open_spells.first_day
            and (open_spells.until_day is null or days.day < open_spells.until_day)
    group by days.day

),

final as (

    select
        days.day,
        cast(coalesce(daily.unresolved_tickets, 0) as bigint) as unresolved_tickets,
        cast(coalesce(daily.new_tickets, 0) as bigint) as new_tickets,
        cast(coalesce(daily.open_tickets, 0) as bigint) as open_tickets,
        cast(coalesce(daily.pending_tickets, 0) as bigint) as pending_tickets,
        cast(coalesce(daily.on_hold_tickets, 0) as bigint) as on_hold_tickets,
        cast(coalesce(daily.aged_7_days_plus_tickets, 0) as bigint) as aged_7_days_plus_tickets,
        cast(coalesce(daily.aged_30_days_plus_tickets, 0) as bigint) as aged_30_days_plus_tickets
    from days
    left join daily
        on days.day = daily.day

)

select * from final
