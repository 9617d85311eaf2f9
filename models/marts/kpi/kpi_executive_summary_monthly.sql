{#-
    One row per month with the headline KPIs side by side, for a dashboard's first page.
    Months: every month from the first to the last month of kpi_churn_monthly (first signup
    month to as-of month, the widest range), gap-free. Each figure is the one of its own KPI
    mart for that month (NULL where that mart has no row). Monthly operations figures are
    computed from the facts over the whole month, never averaged from daily rates:
    - avg_first_response_minutes: tickets created in the month with a first response;
    - service_level_pct, abandonment_rate: inbound calls started in the month;
    - avg_handle_time_seconds: answered inbound calls started in the month;
    - backlog_end_of_month: kpi_ticket_ops_daily's backlog on the month's last day with data;
    - cost_per_contact: labour cost of all shifts in the month / contacts in the month;
    - first_response_sla_pct, resolution_sla_pct: kpi_sla_monthly (SPEC D).
-#}
with

months as (

    select month from {{ ref('kpi_churn_monthly') }}

),

nps as (

    select * from {{ ref('kpi_nps_monthly') }}

),

csat as (

    select * from {{ ref('kpi_csat_monthly') }}

),

fcr as (

    select * from {{ ref('kpi_fcr_monthly') }}

),

repeat_visits as (

    select * from {{ ref('kpi_repeat_visits_monthly') }}

),

churn as (

    select * from {{ ref('kpi_churn_monthly') }}

),

repeat_sales as (

    select * from {{ ref('kpi_repeat_sales_monthly') }}

),

cross_sell as (

    select * from {{ ref('kpi_cross_sell_upsell_monthly') }}

),

sla as (

    select * from {{ ref('kpi_sla_monthly') }}

),

ticket_month as (

    select
        {{ month_of('created_at') }} as month,
        count(*) as tickets_created,
        avg(first_response_minutes) as avg_first_response_minutes
    from {{ ref('fct_tickets') }}
    group by 1

),

backlog as (

    select
        {{ month_of_date('day') }} as month,
        sum(tickets_resolved) as tickets_resolved,
        max(case when is_last_day then backlog_end_of_day end) as backlog_end_of_month
    from (
        select
            day,
            tickets_resolved,
            backlog_end_of_day,
            day = max(day) over (partition by {{ month_of_date('day') }}) as is_last_day
        from {{ ref('kpi_ticket_ops_daily') }}
    ) as daily
    group by 1

),

call_month as (

    select
        {{ month_of('started_at') }} as month,
        sum(case when is_inbound then 1 else 0 end) as inbound_calls,
        sum(case when is_inbound and is_answered_within_service_level then 1 else 0 end) as within_service_level,
        sum(case when is_abandoned then 1 else 0 end) as abandoned_calls,
        avg(cast(answered_inbound_handle_seconds as {{ type_double() }}))
            as avg_handle_time_seconds
    from {{ ref('fct_calls') }}
    group by 1

),

contact_month as (

    select
        {{ month_of('contact_start_at') }} as month,
        count(*) as contacts
    from {{ ref('fct_contacts') }}
    group by 1

),

labor_month as (

    select
        {{ month_of('shift_start_at') }} as month,
        sum(labor_cost) as labor_cost
    from {{ ref('fct_agent_shifts') }}
    group by 1

),

final as (

    select
        months.month,
        nps.responses as nps_responses,
        nps.nps,
        nps.promoter_pct,
        nps.detractor_pct,
        csat.csat_pct,
        csat.avg_ces,
        fcr.fcr_rate,
        repeat_visits.repeat_visit_rate,
        churn.active_customers_start,
        churn.churn_rate,
        churn.retention_rate,
        repeat_sales.orders,
        repeat_sales.revenue,
        repeat_sales.repeat_sales_rate,
        cross_sell.cross_sell_rate,
        cross_sell.upsell_rate,
        cast(coalesce(ticket_month.tickets_created, 0) as bigint) as tickets_created,
        cast(coalesce(backlog.tickets_resolved, 0) as bigint) as tickets_resolved,
        cast(backlog.backlog_end_of_month as bigint) as backlog_end_of_month,
        cast(ticket_month.avg_first_response_minutes as {{ type_double() }}) as avg_first_response_minutes,
        sla.first_response_sla_pct,
        sla.resolution_sla_pct,
        cast(coalesce(call_month.inbound_calls, 0) as bigint) as inbound_calls,
        {{ pct('call_month.within_service_level', 'call_month.inbound_calls') }} as service_level_pct,
        {{ pct('call_month.abandoned_calls', 'call_month.inbound_calls') }} as abandonment_rate,
        cast(call_month.avg_handle_time_seconds as {{ type_double() }}) as avg_handle_time_seconds,
        cast(coalesce(contact_month.contacts, 0) as bigint) as contacts,
        cast(labor_month.labor_cost as {{ type_double() }}) as labor_cost,
        case
            when contact_month.contacts > 0
                then cast(labor_month.labor_cost / contact_month.contacts as {{ type_double() }})
        end as cost_per_contact
    from months
    left join nps on months.month = nps.month
    left join csat on months.month = csat.month
    left join fcr on months.month = fcr.month
    left join repeat_visits on months.month = repeat_visits.month
    left join churn on months.month = churn.month
    left join repeat_sales on months.month = repeat_sales.month
    left join cross_sell on months.month = cross_sell.month
    left join sla on months.month = sla.month
    left join ticket_month on months.month = ticket_month.month
    left join backlog on months.month = backlog.month
    left join call_month on months.month = call_month.month
    left join contact_month on months.month = contact_month.month
    left join labor_month on months.month = labor_month.month

)

select * from final
