{{ config(
    incremental_strategy=base_incremental_strategy(),
    pre_hook="{{ reset_base_if_raw_replaced('surveys') }}",
) }}
{%- set raw_columns = [
    'response_id', 'customer_id', 'ticket_id', 'call_id', 'channel', 'submitted_at',
    'nps_score', 'csat_score', 'ces_score', 'comment',
] -%}
{%- set checks = required_checks(['submitted_at'])
    + category_checks({'channel': ['email', 'sms', 'in_app', 'web']})
    + unparseable_checks(['submitted_at'], 'timestamp')
    + unparseable_checks(['nps_score', 'csat_score', 'ces_score'], 'integer')
    + range_checks({'nps_score': [0, 10], 'csat_score': [1, 5], 'ces_score': [1, 7]})
-%}

with

source as (

    {{ raw_source('surveys') }}

),

cleaned as (

    select
        _raw_file,
        _raw_row,
        {{ clean_text('response_id') }} as response_id,
        {{ clean_text('customer_id') }} as customer_id,
        {{ clean_text('ticket_id') }} as ticket_id,
        {{ clean_text('call_id') }} as call_id,
        {{ clean_category('channel') }} as channel,
        {{ clean_text('submitted_at') }} as submitted_at_text,
        {{ clean_text('nps_score') }} as nps_score_text,
        {{ clean_text('csat_score') }} as csat_score_text,
        {{ clean_text('ces_score') }} as ces_score_text,
        nullif(cast(comment as {{ dbt.type_string() }}), '') as comment,
        {{ raw_record(raw_columns) }} as raw_record
    from source

),

parsed as (

    select
        *,
        {{ parse_timestamp('submitted_at_text') }} as submitted_at,
        {{ parse_integer('nps_score_text') }} as nps_score,
        {{ parse_integer('csat_score_text') }} as csat_score,
        {{ parse_integer('ces_score_text') }} as ces_score
    from cleaned

),

to_classify as (

    {{ with_prior_versions('parsed', ['response_id']) }}

),

classified as (

    {{ classify_rows('to_classify', ['response_id'], checks) }}

),

final as (

    select
        {{ star_except('classified', classification_work_columns()) }},
        {{ row_status_columns() }},
        {{ classified_at() }} as _classified_at
    from classified

)

select * from final
