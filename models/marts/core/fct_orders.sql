-- One row per valid order (any status), with revenue from its valid items and its repeat flag.
with

orders as (

    select * from {{ ref('int_orders_valued') }}

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
        updated_at
    from orders

)

select * from final
