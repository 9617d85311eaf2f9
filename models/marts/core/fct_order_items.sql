-- One row per valid order line, with its product line, tier and line revenue.
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
        items.quantity * items.unit_price as line_revenue
    from items
    inner join orders
        on items.order_id = orders.order_id
    inner join products
        on items.product_id = products.product_id

)

select * from final
