{{ config(
    incremental_strategy=base_incremental_strategy(),
    pre_hook="{{ reset_base_if_raw_replaced('order_items') }}",
) }}
{#- Raw columns whose trimmed text (<column>_text) the checks test; not stored. -#}
{%- set text_columns = ['product_id', 'quantity', 'unit_price'] -%}
{%- set raw_columns = ['order_id', 'line_number', 'product_id', 'quantity', 'unit_price'] -%}
{#- What the model stores, in table order (+ row_status, reject_reason(s), _classified_at). -#}
{%- set columns = stored_column_list([
    'order_id', 'line_number', 'product_id', 'raw_record', 'quantity', 'unit_price', 'order_state',
    'product_state',
]) -%}
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
{#- An item's validity follows its order and product (SPEC B.2): items are re-classified
    when they arrive, and when their order or product was re-classified since this model's
    last run (incremental_base.sql). -#}
{%- set watermark = "(select coalesce(max(_classified_at), cast('1900-01-01' as timestamp)) from "
    ~ this ~ ")" -%}
{%- set reclassified_parents = "loaded_rows.order_id in (select order_id from " ~ ref('base_shop__orders')
    ~ " where _classified_at > " ~ watermark ~ ") or loaded_rows.product_id in (select product_id from "
    ~ ref('base_shop__products') ~ " where _classified_at > " ~ watermark ~ ")" -%}

with

source as (

    {{ raw_source('order_items') }}

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
        _raw_file,
        _raw_row,
        _is_malformed,
        _source_reason,
        {{ clean_text('order_id') }} as order_id,
        {{ clean_text('line_number') }} as line_number,
        {{ clean_text('product_id') }} as product_id,
        {{ raw_texts(text_columns) }},
        {{ raw_record(raw_columns) }} as raw_record
    from source

),

parsed as (

    select
        *,
        {{ parse_integer('quantity_text') }} as quantity,
        {{ parse_decimal('unit_price_text') }} as unit_price
    from cleaned

),

to_classify as (

    {{ with_prior_versions('parsed', ['order_id', 'line_number'], columns, text_columns=text_columns,
        derived_columns=['order_state', 'product_state'], also_when=reclassified_parents) }}

),

stated as (

    select
        to_classify.*,
        case
            when orders.has_valid_row = 1 then 'valid'
            when orders.order_id is not null then 'rejected'
            else 'missing'
        end as order_state,
        case
            when to_classify.product_id is null then null
            when products.has_valid_row = 1 then 'valid'
            when products.product_id is not null then 'rejected'
            else 'missing'
        end as product_state
    from to_classify
    left join orders
        on to_classify.order_id = orders.order_id
    left join products
        on to_classify.product_id = products.product_id

),

classified as (

    {{ classify_rows('stated', ['order_id', 'line_number'], checks) }}

),

final as (

    select
        {{ select_columns('classified', columns) }},
        {{ row_status_columns() }},
        {{ classified_at() }} as _classified_at
    from classified

)

select * from final
