with

base as (

    select * from {{ ref('base_shop__order_items') }}
    where row_status = 'valid'

),

final as (

    select
        order_id || '-' || line_number as order_item_id,
        order_id,
        line_number,
        product_id,
        quantity,
        unit_price,
        -- line revenue (SPEC C): quantity x unit_price; order revenue is its sum
        quantity * unit_price as line_revenue
    from base

)

select * from final
