{#-
    Shopify orders (Fivetran schema) -> raw_orders (SPEC A), one row per order row.
    ordered_at is processed_at (when the order was placed), else created_at. status:
    cancelled when cancelled_at is set, else financial_status through the seed
    vendor_value_maps (paid -> completed, refunded -> refunded, voided -> cancelled, ...); a
    value it does not list (e.g. pending) -> _source_reason unmapped_value:financial_status=<value>.
    Test orders -> test_order, deleted orders -> deleted_in_source.
-#}

with

orders as (

    {{ vendor_rows('shopify', 'order') }}

),

final as (

    select
        trim(orders.id) as order_id,
        nullif(trim(orders.customer_id), '') as customer_id,
        coalesce(nullif(trim(orders.processed_at), ''), orders.created_at) as ordered_at,
        case
            when nullif(trim(orders.cancelled_at), '') is not null then 'cancelled'
            else {{ vendor_mapped_value('status_map') }}
        end as status,
        orders.updated_at,
        orders._raw_file,
        orders._raw_row,
        orders._is_malformed,
        case
            when {{ vendor_flag('orders._fivetran_deleted') }} then 'deleted_in_source'
            when {{ vendor_flag('orders.test') }} then 'test_order'
            when nullif(trim(orders.cancelled_at), '') is null
                then {{ vendor_unmapped_reason('status_map', 'financial_status', 'orders.financial_status') }}
        end as _source_reason
    from orders
    {{ vendor_value_join('status_map', 'shopify', 'order.financial_status', 'orders.financial_status') }}

)

select * from final
