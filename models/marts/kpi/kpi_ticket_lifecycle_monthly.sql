{#-
    SPEC E: the ticket lifecycle per month of created_at (reporting time zone) of the tickets
    with a status history, every month from the first to the last such month. The per-ticket
    figures and flags are fct_ticket_lifecycle columns (rules there); this mart counts and
    averages them. The wait and work averages and the median are over the fully resolved
    tickets (full_resolved_at present), whatever the tickets table's status says.
-#}
with

lifecycle as (

    select * from {{ ref('fct_ticket_lifecycle') }}

),

months as (

    {{ period_series('month', ref('fct_ticket_lifecycle'), 'min(created_at)', 'max(created_at)') }}

),

monthly as (

    select
        {{ month_of('created_at') }} as month,
        count(*) as tickets_with_history,
        sum(case when is_fully_resolved then 1 else 0 end) as resolved_tickets,
        sum(case when is_reopened then 1 else 0 end) as reopened_tickets,
        sum(case when has_resolution then 1 else 0 end) as tickets_with_resolution,
        sum(case when touch_class = 'one_touch' then 1 else 0 end) as one_touch_tickets,
        sum(case when touch_class = 'two_touch' then 1 else 0 end) as two_touch_tickets,
        sum(case when touch_class = 'multi_touch' then 1 else 0 end) as multi_touch_tickets,
        avg(first_resolution_minutes) as avg_first_resolution_minutes,
        avg(full_resolution_minutes) as avg_full_resolution_minutes,
        avg(case when is_fully_resolved then requester_wait_business_minutes end)
            as avg_requester_wait_business_minutes,
        percentile_cont(0.5) within group (
            order by case when is_fully_resolved then requester_wait_business_minutes end
        ) as median_requester_wait_business_minutes,
        avg(case when is_fully_resolved then agent_work_business_minutes end) as avg_agent_work_business_minutes,
        avg(case when is_fully_resolved then agent_wait_business_minutes end) as avg_agent_wait_business_minutes,
        avg(case when is_fully_resolved then on_hold_business_minutes end) as avg_on_hold_business_minutes
    from lifecycle
    group by 1

),

counted as (

    select
        months.period as month,
        cast(coalesce(monthly.tickets_with_history, 0) as bigint) as tickets_with_history,
        cast(coalesce(monthly.resolved_tickets, 0) as bigint) as resolved_tickets,
        cast(coalesce(monthly.reopened_tickets, 0) as bigint) as reopened_tickets,
        cast(coalesce(monthly.tickets_with_resolution, 0) as bigint) as tickets_with_resolution,
        cast(coalesce(monthly.one_touch_tickets, 0) as bigint) as one_touch_tickets,
        cast(coalesce(monthly.two_touch_tickets, 0) as bigint) as two_touch_tickets,
        cast(coalesce(monthly.multi_touch_tickets, 0) as bigint) as multi_touch_tickets,
        monthly.avg_first_resolution_minutes,
        monthly.avg_full_resolution_minutes,
        monthly.avg_requester_wait_business_minutes,
        monthly.median_requester_wait_business_minutes,
        monthly.avg_agent_work_business_minutes,
        monthly.avg_agent_wait_business_minutes,
        monthly.avg_on_hold_business_minutes
    from months
    left join monthly
        on months.period = monthly.month

),

final as (

    select
        month,
        tickets_with_history,
        resolved_tickets,
        reopened_tickets,
        tickets_with_resolution,
        {{ pct('reopened_tickets', 'tickets_with_resolution') }} as reopen_rate,
        one_touch_tickets,
        two_touch_tickets,
        multi_touch_tickets,
        {{ pct('one_touch_tickets', 'resolved_tickets') }} as one_touch_rate,
        cast(avg_first_resolution_minutes as {{ type_double() }}) as avg_first_resolution_minutes,
        cast(avg_full_resolution_minutes as {{ type_double() }}) as avg_full_resolution_minutes,
        cast(avg_requester_wait_business_minutes as {{ type_double() }}) as avg_requester_wait_business_minutes,
        cast(median_requester_wait_business_minutes as {{ type_double() }})
            as median_requester_wait_business_minutes,
        cast(avg_agent_work_business_minutes as {{ type_double() }}) as avg_agent_work_business_minutes,
        cast(avg_agent_wait_business_minutes as {{ type_double() }}) as avg_agent_wait_business_minutes,
        cast(avg_on_hold_business_minutes as {{ type_double() }}) as avg_on_hold_business_minutes
    from counted

)

select * from final
