{%- set raw_columns = ['product_id', 'product_name', 'product_line', 'tier', 'list_price'] -%}
{%- set checks = required_checks(['product_line', 'tier'])
    + unparseable_checks(['tier'], 'integer')
    + unparseable_checks(['list_price'], 'decimal')
    + range_checks({'tier': [1, 3]})
-%}

with

source as (

    select * from {{ raw_relation('products') }}

),

cleaned as (

    select
        {{ clean_text('product_id') }} as product_id,
        {{ clean_text('product_name') }} as product_name,
        {{ clean_category('product_line') }} as product_line,
        {{ clean_text('product_line') }} as product_line_text,
        {{ clean_text('tier') }} as tier_text,
        {{ clean_text('list_price') }} as list_price_text,
        {{ raw_record(raw_columns) }} as raw_record
    from source

),

parsed as (

    select
        *,
        {{ parse_integer('tier_text') }} as tier,
        {{ parse_decimal('list_price_text') }} as list_price
    from cleaned

),

classified as (

    {{ classify_rows('parsed', ['product_id'], checks) }}

),

final as (

    select
        product_id,
        product_name,
        product_line,
        tier,
        list_price,
        {{ row_status_columns() }},
        raw_record
    from classified

)

select * from final
