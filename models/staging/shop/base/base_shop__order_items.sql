{%- set raw_columns = ['order_id', 'line_number', 'product_id', 'quantity', 'unit_price'] -%}
{%- set checks = required_checks(['product_id', 'quantity', 'unit_price'])
    + unparseable_checks(['quantity'], 'integer')
    + unparseable_checks(['unit_price'], 'decimal')
    + range_checks({'quantity': [1, none], 'unit_price': [0, none]})
    + [
        ("order_state = 'missing'", 'order_missing'),
        ("order_state = 'rejected'", 'order_rejected'),
        ("product_state = 'missing'", 'product_missing'),
        ("product_state = 'rejected'", 'product_rejected'),
    ]
-%}

with

source as (

    select * from {{ raw_relation('order_items') }}

),

orders as (

    select
        order_id,
        max(case when row_status = 'valid' then 1 else 0 end) as has_valid_row
    from {{ ref('base_shop__orders') }}
    where order_id is not null
    group by order_id

),

products as (

    select
        product_id,
        max(case when row_status = 'valid' then 1 else 0 end) as has_valid_row
    from {{ ref('base_shop__products') }}
    where product_id is not null
    group by product_id

),

cleaned as (

    select
        {{ clean_text('order_id') }} as order_id,
        {{ clean_text('line_number') }} as line_number,
        {{ clean_text('product_id') }} as product_id,
        {{ clean_text('product_id') }} as product_id_text,
        {{ clean_text('quantity') }} as quantity_text,
        {{ clean_text('unit_price') }} as unit_price_text,
        {{ raw_record(raw_columns) }} as raw_record
    from source

),

parsed as (

    select
        cleaned.*,
        {{ parse_integer('cleaned.quantity_text') }} as quantity,
        {{ parse_decimal('cleaned.unit_price_text') }} as unit_price,
        case
            when orders.has_valid_row = 1 then 'valid'
            when orders.order_id is not null then 'rejected'
            else 'missing'
        end as order_state,
        case
            when cleaned.product_id is null then null
            when products.has_valid_row = 1 then 'valid'
            when products.product_id is not null then 'rejected'
            else 'missing'
        end as product_state
    from cleaned
    left join orders
        on cleaned.order_id = orders.order_id
    left join products
        on cleaned.product_id = products.product_id

),

classified as (

    {{ classify_rows('parsed', ['order_id', 'line_number'], checks) }}

),

final as (

    select
        order_id,
        line_number,
        product_id,
        quantity,
        unit_price,
        {{ row_status_columns() }},
        raw_record
    from classified

)

select * from final
