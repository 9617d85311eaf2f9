{{ config(
    incremental_strategy=base_incremental_strategy(),
    pre_hook="{{ reset_base_if_raw_replaced('orders') }}",
) }}
{#- Raw columns whose trimmed text (<column>_text) the checks test; not stored. -#}
{%- set text_columns = ['customer_id', 'ordered_at', 'status', 'updated_at'] -%}
{%- set raw_columns = ['order_id', 'customer_id', 'ordered_at', 'status', 'updated_at'] -%}
{#- What the model stores, in table order (+ row_status, reject_reason(s), _classified_at). -#}
{%- set columns = stored_column_list([
    'order_id', 'customer_id', 'status', 'raw_record', 'ordered_at', 'updated_at',
]) -%}
{%- set checks = required_checks(['customer_id', 'ordered_at', 'status'])
    + category_checks({'status': ['completed', 'cancelled', 'refunded']})
    + unparseable_checks(['ordered_at'], 'timestamp')
-%}

with

source as (

    {{ raw_source('orders') }}

),

cleaned as (

    select
        _raw_file,
        _raw_row,
        _is_malformed,
        _source_reason,
        {{ clean_text('order_id') }} as order_id,
        {{ clean_text('customer_id') }} as customer_id,
        {{ raw_texts(text_columns) }},
        {{ clean_category('status') }} as status,
        {{ raw_record(raw_columns) }} as raw_record
    from source

),

parsed as (

    select
        *,
        {{ parse_timestamp('ordered_at_text') }} as ordered_at,
        {{ parse_timestamp('updated_at_text') }} as updated_at
    from cleaned

),

to_classify as (

    {{ with_prior_versions('parsed', ['order_id'], columns, text_columns=text_columns) }}

),

classified as (

    {{ classify_rows('to_classify', ['order_id'], checks, updated_at='updated_at') }}

),

final as (

    select
        {{ select_columns('classified', columns) }},
        {{ row_status_columns() }},
        {{ classified_at() }} as _classified_at
    from classified

)

select * from final
