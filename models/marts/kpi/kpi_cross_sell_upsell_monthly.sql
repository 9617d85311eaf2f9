-- SPEC C: cross-sell and upsell among customers with a repeat order in the month of ordered_at.
with

orders as (

    select * from {{ ref('fct_orders') }}

),

items as (

    select * from {{ ref('int_order_items_compared') }}

),

months as (

    {{ period_series('month', ref('fct_orders'), 'min(ordered_at)', 'max(ordered_at)') }}

),

repeat_orders as (

    select
        {{ month_of('ordered_at') }} as month,
        order_id,
        customer_id
    from orders
    where is_repeat_order

),

repeat_order_flags as (

    select
        repeat_orders.month,
        repeat_orders.customer_id,
        max(case when items.is_new_product_line then 1 else 0 end) as has_cross_sell,
        max(case when items.is_tier_upgrade then 1 else 0 end) as has_upsell
    from repeat_orders
    left join items
        on repeat_orders.order_id = items.order_id
    group by 1, 2

),

monthly as (

    select
        month,
        count(*) as repeat_customers,
        sum(has_cross_sell) as cross_sell_customers,
        sum(has_upsell) as upsell_customers
    from repeat_order_flags
    group by 1

),

final as (

    select
        months.period as month,
        cast(coalesce(monthly.repeat_customers, 0) as bigint) as repeat_customers,
        cast(coalesce(monthly.cross_sell_customers, 0) as bigint) as cross_sell_customers,
        cast(coalesce(monthly.upsell_customers, 0) as bigint) as upsell_customers,
        {{ pct('monthly.cross_sell_customers', 'monthly.repeat_customers') }} as cross_sell_rate,
        {{ pct('monthly.upsell_customers', 'monthly.repeat_customers') }} as upsell_rate
    from months
    left join monthly
        on months.period = monthly.month

)

select * from final
