{{ config(
    incremental_strategy=base_incremental_strategy(),
    pre_hook="{{ reset_base_if_raw_replaced('products') }}",
) }}
{%- set raw_columns = ['product_id', 'product_name', 'product_line', 'tier', 'list_price'] -%}
{%- set checks = required_checks(['product_line', 'tier'])
    + unparseable_checks(['tier'], 'integer')
    + unparseable_checks(['list_price'], 'decimal')
    + range_checks({'tier': [1, 3]})
-%}

with

source as (

    {{ raw_source('products') }}

),

cleaned as (

    select
        _raw_file,
        _raw_row,
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

to_classify as (

    {{ with_prior_versions('parsed', ['product_id']) }}

),

classified as (

    {{ classify_rows('to_classify', ['product_id'], checks) }}

),

final as (

    select
        {{ star_except('classified', classification_work_columns()) }},
        {{ row_status_columns() }},
        {{ classified_at() }} as _classified_at
    from classified

)

select * from final
