{{ config(
    incremental_strategy=base_incremental_strategy(),
    pre_hook="{{ reset_base_if_raw_replaced('customers') }}",
) }}
{%- set raw_columns = [
    'customer_id', 'full_name', 'email', 'phone', 'country', 'segment', 'signup_at',
    'churned_at', 'updated_at',
] -%}
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
        {{ clean_text('customer_id') }} as customer_id,
        {{ hash_pii('email') }} as email_hash,
        {{ hash_pii('phone') }} as phone_hash,
        upper({{ clean_text('country') }}) as country_code,
        {{ clean_category('segment') }} as segment,
        {{ clean_text('signup_at') }} as signup_at_text,
        {{ clean_text('churned_at') }} as churned_at_text,
        {{ clean_text('updated_at') }} as updated_at_text,
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

    {{ with_prior_versions('parsed', ['customer_id']) }}

),

classified as (

    {{ classify_rows('to_classify', ['customer_id'], checks, updated_at='updated_at') }}

),

final as (

    select
        {{ star_except('classified', classification_work_columns()) }},
        {{ row_status_columns() }},
        {{ classified_at() }} as _classified_at
    from classified

)

select * from final
