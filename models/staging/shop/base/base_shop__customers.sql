{{ config(
    incremental_strategy=base_incremental_strategy(),
    pre_hook="{{ reset_base_if_raw_replaced('customers') }}",
) }}
{#- Raw columns whose trimmed text (<column>_text) the checks test; not stored. -#}
{%- set text_columns = ['signup_at', 'churned_at', 'updated_at'] -%}
{%- set raw_columns = [
    'customer_id', 'full_name', 'email', 'phone', 'country', 'segment', 'signup_at',
    'churned_at', 'updated_at',
] -%}
{#- What the model stores, in table order (+ row_status, reject_reason(s), _classified_at). -#}
{%- set columns = stored_column_list([
    'customer_id', 'email_hash', 'phone_hash', 'country_code', 'segment', 'raw_record',
    'signup_at', 'churned_at', 'updated_at',
]) -%}
{%- set personal_columns = ['full_name', 'email', 'phone'] -%}
{%- set checks = required_checks(['signup_at'])
    + category_checks({'segment': ['consumer', 'smb', 'enterprise']})
    + unparseable_checks(['signup_at', 'churned_at'], 'timestamp')
    + [('churned_at < signup_at', 'churned_before_signup')]
-%}

with

source as (

    {{ raw_source('customers') }}

),

cleaned as (

    select
        _raw_file,
        _raw_row,
        _is_malformed,
        _source_reason,
        {{ clean_text('customer_id') }} as customer_id,
        {{ hash_pii('email') }} as email_hash,
        {{ hash_pii('phone') }} as phone_hash,
        upper({{ clean_text('country') }}) as country_code,
        {{ clean_category('segment') }} as segment,
        {{ raw_texts(text_columns) }},
        {{ raw_record(raw_columns, personal_columns) }} as raw_record
    from source

),

parsed as (

    select
        *,
        {{ parse_timestamp('signup_at_text') }} as signup_at,
        {{ parse_timestamp('churned_at_text') }} as churned_at,
        {{ parse_timestamp('updated_at_text') }} as updated_at
    from cleaned

),

to_classify as (

    {{ with_prior_versions('parsed', ['customer_id'], columns, text_columns=text_columns) }}

),

classified as (

    {{ classify_rows('to_classify', ['customer_id'], checks, updated_at='updated_at') }}

),

final as (

    select
        {{ select_columns('classified', columns) }},
        {{ row_status_columns() }},
        {{ classified_at() }} as _classified_at
    from classified

)

select * from final
