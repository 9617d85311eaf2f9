{#-
    SPEC D: service levels per month of created_at (reporting time zone), every month from the
    first to the last month in which a valid ticket was created. Statuses and business
    minutes are fct_tickets columns (rule in int_ticket_service_levels); this mart counts them.
-#}
with

tickets as (

    select * from {{ ref('fct_tickets') }}

),

months as (

    {{ period_series('month', ref('fct_tickets'), 'min(created_at)', 'max(created_at)') }}

),

monthly as (

    select
        {{ month_of('created_at') }} as month,
        count(*) as tickets,
        sum(case when has_sla_target then 1 else 0 end) as tickets_with_target,
        sum(case when sla_first_response_status = 'achieved' then 1 else 0 end) as first_response_achieved,
        sum(case when sla_first_response_status = 'breached' then 1 else 0 end) as first_response_breached,
        sum(case when sla_first_response_status = 'pending' then 1 else 0 end) as first_response_pending,
        sum(case when sla_resolution_status = 'achieved' then 1 else 0 end) as resolution_achieved,
        sum(case when sla_resolution_status = 'breached' then 1 else 0 end) as resolution_breached,
        sum(case when sla_resolution_status = 'pending' then 1 else 0 end) as resolution_pending,
        avg(first_response_business_minutes) as avg_first_response_business_minutes,
        avg(resolution_business_minutes) as avg_resolution_business_minutes
    from tickets
    group by 1

),

counted as (

    select
        months.period as month,
        cast(coalesce(monthly.tickets, 0) as bigint) as tickets,
        cast(coalesce(monthly.tickets_with_target, 0) as bigint) as tickets_with_target,
        cast(coalesce(monthly.first_response_achieved, 0) as bigint) as first_response_achieved,
        cast(coalesce(monthly.first_response_breached, 0) as bigint) as first_response_breached,
        cast(coalesce(monthly.first_response_pending, 0) as bigint) as first_response_pending,
        cast(coalesce(monthly.resolution_achieved, 0) as bigint) as resolution_achieved,
        cast(coalesce(monthly.resolution_breached, 0) as bigint) as resolution_breached,
        cast(coalesce(monthly.resolution_pending, 0) as bigint) as resolution_pending,
        monthly.avg_first_response_business_minutes,
        monthly.avg_resolution_business_minutes
    from months
    left join monthly
        on months.period = monthly.month

),

final as (

    select
        month,
        tickets,
        tickets_with_target,
        first_response_achieved,
        first_response_breached,
        first_response_pending,
        {{ pct('first_response_achieved', 'first_response_achieved + first_response_breached') }}
            as first_response_sla_pct,
        resolution_achieved,
        resolution_breached,
        resolution_pending,
        {{ pct('resolution_achieved', 'resolution_achieved + resolution_breached') }} as resolution_sla_pct,
        cast(avg_first_response_business_minutes as {{ type_double() }}) as avg_first_response_business_minutes,
        cast(avg_resolution_business_minutes as {{ type_double() }}) as avg_resolution_business_minutes
    from counted

)

select * from final
