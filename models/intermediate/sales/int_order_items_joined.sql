{{ config(materialized='ephemeral') }}
-- Each valid order line with its order (customer, time, status) and its product (line, tier):
-- the one place items, orders and products are joined. Lines of orders or products that are
-- not valid drop out here (the reconciliation counts them in staging).
with

items as (

    select * from {{ ref('stg_shop__order_items') }}

),

orders as (

    select * from {{ ref('stg_shop__orders') }}

),

products as (

    select * from {{ ref('stg_shop__products') }}

),

final as (

    select
        items.order_item_id,
        items.order_id,
        items.line_number,
        orders.customer_id,
        orders.ordered_at,
        orders.status as order_status,
        items.product_id,
        products.product_line,
        products.tier,
        items.quantity,
        items.unit_price,
        items.line_revenue
    from items
    inner join orders
        on items.order_id = orders.order_id
    inner join products
        on items.product_id = products.product_id

)

select * from final
