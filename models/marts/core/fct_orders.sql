{{ config(
    materialized='incremental',
    unique_key='order_id',
    incremental_strategy=base_incremental_strategy(),
    on_schema_change='fail',
    pre_hook="{{ delete_touched_groups('orders') }}",
) }}
-- One row per valid order (any status), with revenue from its valid items and its repeat flag.
-- Incremental: recomputes the customers touched since the last run (incremental_groups.sql).
{%- set watermark = computed_watermark() -%}
{%- set recompute = recompute_all(change_feeds('orders'), watermark) %}
with

orders as (

    select * from {{ ref('int_orders_valued') }}
    {% if not recompute -%}
    where {{ touched_orders_filter(watermark) }}
    {%- endif %}

),

final as (

    select
        order_id,
        customer_id,
        ordered_at,
        {{ day_of('ordered_at') }} as ordered_date,
        status,
        is_completed,
        is_repeat_order,
        item_lines,
        units,
        revenue,
        updated_at,
        {{ classified_at() }} as _computed_at
    from orders

)

select * from final
