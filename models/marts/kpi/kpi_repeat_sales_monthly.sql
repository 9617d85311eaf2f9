-- SPEC C: repeat sales per month of ordered_at, over completed orders.
with

orders as (

    select * from {{ ref('fct_orders') }}

),

months as (

    {{ period_series('month', ref('fct_orders'), 'min(ordered_at)', 'max(ordered_at)') }}

),

monthly as (

    select
        {{ month_of('ordered_at') }} as month,
        count(*) as orders,
        sum(revenue) as revenue,
        sum(case when is_repeat_order then 1 else 0 end) as repeat_orders,
        sum(case when is_repeat_order then revenue else 0 end) as repeat_revenue,
        count(distinct customer_id) as ordering_customers,
        count(distinct case when is_repeat_order then customer_id end) as repeat_customers
    from orders
    where is_completed
    group by 1

),

final as (

    select
        months.period as month,
        cast(coalesce(monthly.orders, 0) as bigint) as orders,
        cast(coalesce(monthly.revenue, 0) as {{ type_double() }}) as revenue,
        cast(coalesce(monthly.repeat_orders, 0) as bigint) as repeat_orders,
        cast(coalesce(monthly.repeat_revenue, 0) as {{ type_double() }}) as repeat_revenue,
        {{ pct('monthly.repeat_orders', 'monthly.orders') }} as repeat_sales_rate,
        cast(coalesce(monthly.ordering_customers, 0) as bigint) as ordering_customers,
        cast(coalesce(monthly.repeat_customers, 0) as bigint) as repeat_customers,
        {{ pct('monthly.repeat_customers', 'monthly.ordering_customers') }} as repeat_customer_rate
    from months
    left join monthly
        on months.period = monthly.month

)

select * from final
