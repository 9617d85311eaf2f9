{{ config(
    materialized='incremental',
    unique_key='order_item_id',
    incremental_strategy=base_incremental_strategy(),
    on_schema_change='fail',
    pre_hook="{{ delete_touched_groups('orders') }}",
) }}
-- One row per valid order line, with its product line, tier and line revenue.
-- Incremental: recomputes the orders (and customers) touched since the last run
-- (incremental_groups.sql).
{%- set watermark = computed_watermark() -%}
{%- set recompute = recompute_all(change_feeds('orders'), watermark) %}
with

items as (

    select * from {{ ref('int_order_items_joined') }}
    {% if not recompute -%}
    where {{ touched_orders_filter(watermark) }}
    {%- endif %}

),

final as (

    select
        order_item_id,
        order_id,
        line_number,
        customer_id,
        ordered_at,
        order_status,
        product_id,
        product_line,
        tier,
        quantity,
        unit_price,
        line_revenue,
        {{ classified_at() }} as _computed_at
    from items

)

select * from final
