{{ config(
    materialized='incremental',
    unique_key='order_item_id',
    incremental_strategy=base_incremental_strategy(),
    on_schema_change='fail',
    pre_hook="{{ delete_touched_groups('orders') }}",
) }}
-- depends_on: {{ ref('base_shop__orders') }}
-- depends_on: {{ ref('base_shop__order_items') }}
-- One row per valid order line, with its product line, tier and line revenue.
-- Incremental: recomputes the orders (and customers) touched since the last run
-- (incremental_groups.sql).
{%- set watermark = computed_watermark() -%}
{%- set recompute = recompute_all(order_base_models(), watermark) %}
with

items as (

    select * from {{ ref('stg_shop__order_items') }}

),

orders as (

    select * from {{ ref('stg_shop__orders') }}
    {% if not recompute -%}
    where {{ touched_orders_filter(watermark) }}
    {%- endif %}

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
        items.quantity * items.unit_price as line_revenue,
        {{ classified_at() }} as _computed_at
    from items
    inner join orders
        on items.order_id = orders.order_id
    inner join products
        on items.product_id = products.product_id

)

select * from final
