{#-
    Every valid order with its revenue and repeat flag (SPEC part C):
    - revenue: sum of quantity * unit_price over its valid items (0 when it has none);
    - is_repeat_order: a completed order whose customer has a completed order with a strictly
      earlier ordered_at (same instant is not earlier). Non-completed orders are never repeats.
-#}
with

orders as (

    select * from {{ ref('stg_shop__orders') }}

),

items as (

    select * from {{ ref('stg_shop__order_items') }}

),

order_totals as (

    select
        order_id,
        count(*) as item_lines,
        sum(quantity) as units,
        sum(quantity * unit_price) as revenue
    from items
    group by order_id

),

first_completed as (

    select
        customer_id,
        min(ordered_at) as first_completed_order_at
    from orders
    where status = 'completed'
    group by customer_id

),

final as (

    select
        orders.order_id,
        orders.customer_id,
        orders.ordered_at,
        orders.status,
        orders.updated_at,
        orders.status = 'completed' as is_completed,
        cast(coalesce(order_totals.item_lines, 0) as bigint) as item_lines,
        cast(coalesce(order_totals.units, 0) as bigint) as units,
        cast(coalesce(order_totals.revenue, 0) as {{ type_double() }}) as revenue,
        coalesce(
            orders.status = 'completed'
            and first_completed.first_completed_order_at < orders.ordered_at,
            false
        ) as is_repeat_order
    from orders
    left join order_totals
        on orders.order_id = order_totals.order_id
    left join first_completed
        on orders.customer_id = first_completed.customer_id

)

select * from final
