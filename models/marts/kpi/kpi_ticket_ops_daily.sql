{#-
    SPEC C: daily ticket operations, every day from the first to the last day on which a
    ticket was created or a resolved ticket was resolved.
    backlog_end_of_day(D) = tickets created before D_next that are not (resolved with
    resolved_at < D_next) = running created - running resolved (resolved_at >= created_at is
    enforced in staging, so a ticket leaves the backlog only after it entered it).
-#}
with

tickets as (

    select * from {{ ref('fct_tickets') }}

),

bounds as (

    select
        min(created_at) as first_at,
        max({{ greatest_ts(['created_at', 'case when is_resolved then resolved_at end']) }}) as last_at
    from tickets

),

days as (

    {{ period_series('day', 'bounds', 'first_at', 'last_at') }}

),

created as (

    select
        created_date as day,
        count(*) as tickets_created,
        avg(first_response_minutes) as avg_first_response_minutes,
        percentile_cont(0.5) within group (order by first_response_minutes) as median_first_response_minutes
    from tickets
    group by created_date

),

resolved as (

    select
        resolved_date as day,
        count(*) as tickets_resolved,
        avg(resolution_hours) as avg_resolution_hours
    from tickets
    where is_resolved
    group by resolved_date

),

daily as (

    select
        days.period as day,
        cast(coalesce(created.tickets_created, 0) as bigint) as tickets_created,
        cast(coalesce(resolved.tickets_resolved, 0) as bigint) as tickets_resolved,
        created.avg_first_response_minutes,
        created.median_first_response_minutes,
        resolved.avg_resolution_hours
    from days
    left join created
        on days.period = created.day
    left join resolved
        on days.period = resolved.day

),

final as (

    select
        day,
        tickets_created,
        tickets_resolved,
        cast(
            sum(tickets_created) over running_days - sum(tickets_resolved) over running_days
            as bigint
        ) as backlog_end_of_day,
        cast(avg_first_response_minutes as {{ type_double() }}) as avg_first_response_minutes,
        cast(median_first_response_minutes as {{ type_double() }}) as median_first_response_minutes,
        cast(avg_resolution_hours as {{ type_double() }}) as avg_resolution_hours
    from daily
    window running_days as (order by day rows between unbounded preceding and current row)

)

select * from final
