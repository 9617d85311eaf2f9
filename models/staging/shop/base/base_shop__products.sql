{{ config(
    incremental_strategy=base_incremental_strategy(),
    pre_hook="{{ reset_base_if_raw_replaced('products') }}",
) }}
{#- Raw columns whose trimmed text (<column>_text) the checks test; not stored. -#}
{%- set text_columns = ['product_line', 'tier', 'list_price'] -%}
{%- set raw_columns = ['product_id', 'product_name', 'product_line', 'tier', 'list_price'] -%}
{#- What the model stores, in table order (+ row_status, reject_reason(s), _classified_at). -#}
{%- set columns = stored_column_list([
    'product_id', 'product_name', 'product_line', 'raw_record', 'tier', 'list_price',
]) -%}
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
        _is_malformed,
        _source_reason,
        {{ clean_text('product_id') }} as product_id,
        {{ clean_text('product_name') }} as product_name,
        {{ clean_category('product_line') }} as product_line,
        {{ raw_texts(text_columns) }},
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

    {{ with_prior_versions('parsed', ['product_id'], columns, text_columns=text_columns) }}

),

classified as (

    {{ classify_rows('to_classify', ['product_id'], checks) }}

),

final as (

    select
        {{ select_columns('classified', columns) }},
        {{ row_status_columns() }},
        {{ classified_at() }} as _classified_at
    from classified

)

select * from final
