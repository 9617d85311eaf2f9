{{ config(
    materialized='incremental',
    unique_key='order_item_id',
    incremental_strategy=base_incremental_strategy(),
    on_schema_change='fail',
    pre_hook="{{ delete_touched_groups('orders') }}",
) }}
{#-
    Each valid item of a completed order, compared with what its customer bought before
    (SPEC part C, cross-sell and upsell): "before" means in completed orders with a strictly
    earlier ordered_at.
    - is_new_product_line: no strictly earlier completed order held this product line;
    - prior_max_tier: the highest tier bought strictly before in this product line;
    - is_tier_upgrade: the line was bought before and this tier is above prior_max_tier.
    Incremental: a run recomputes every item of the customers touched since the last run
    (macros/marts/incremental_groups.sql).
-#}
{%- set watermark = computed_watermark() -%}
{%- set recompute = recompute_all(change_feeds('orders'), watermark) %}
with

valued_orders as (

    select * from {{ ref('int_orders_valued') }}
    {% if not recompute -%}
    where {{ touched_orders_filter(watermark) }}
    {%- endif %}

),

orders as (

    select * from valued_orders
    where is_completed

),

items as (

    select * from {{ ref('int_order_items_joined') }}

),

completed_items as (

    select
        items.order_item_id,
        items.order_id,
        orders.customer_id,
        orders.ordered_at,
        orders.is_repeat_order,
        items.product_line,
        items.tier
    from items
    inner join orders
        on items.order_id = orders.order_id

),

line_purchases as (

    -- one row per customer, product line and purchase instant: rows are distinct instants,
    -- so "1 preceding" is "strictly earlier"
    select
        customer_id,
        product_line,
        ordered_at,
        max(tier) as max_tier_at_instant
    from completed_items
    group by customer_id, product_line, ordered_at

),

line_history as (

    select
        customer_id,
        product_line,
        ordered_at,
        max(max_tier_at_instant) over (
            partition by customer_id, product_line
            order by ordered_at
            rows between unbounded preceding and 1 preceding
        ) as prior_max_tier
    from line_purchases

),

final as (

    select
        completed_items.order_item_id,
        completed_items.order_id,
        completed_items.customer_id,
        completed_items.ordered_at,
        completed_items.is_repeat_order,
        completed_items.product_line,
        completed_items.tier,
        line_history.prior_max_tier,
        line_history.prior_max_tier is null as is_new_product_line,
        coalesce(completed_items.tier > line_history.prior_max_tier, false) as is_tier_upgrade,
        {{ classified_at() }} as _computed_at
    from completed_items
    inner join line_history
        on
            completed_items.customer_id = line_history.customer_id
            and completed_items.product_line = line_history.product_line
            and completed_items.ordered_at = line_history.ordered_at

)

select * from final
