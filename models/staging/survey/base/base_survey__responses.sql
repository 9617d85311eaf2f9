{{ config(
    incremental_strategy=base_incremental_strategy(),
    pre_hook="{{ reset_base_if_raw_replaced('surveys') }}",
) }}
{#- Raw columns whose trimmed text (<column>_text) the checks test; not stored. -#}
{%- set text_columns = ['submitted_at', 'nps_score', 'csat_score', 'ces_score'] -%}
{%- set raw_columns = [
    'response_id', 'customer_id', 'ticket_id', 'call_id', 'channel', 'submitted_at',
    'nps_score', 'csat_score', 'ces_score', 'comment',
] -%}
{#- What the model stores, in table order (+ row_status, reject_reason(s), _classified_at). -#}
{%- set columns = stored_column_list([
    'response_id', 'customer_id', 'ticket_id', 'call_id', 'channel', 'comment', 'raw_record',
    'submitted_at', 'nps_score', 'csat_score', 'ces_score',
]) -%}
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
        _is_malformed,
        _source_reason,
        {{ clean_text('response_id') }} as response_id,
        {{ clean_text('customer_id') }} as customer_id,
        {{ clean_text('ticket_id') }} as ticket_id,
        {{ clean_text('call_id') }} as call_id,
        {{ clean_category('channel') }} as channel,
        {{ raw_texts(text_columns) }},
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

    {{ with_prior_versions('parsed', ['response_id'], columns, text_columns=text_columns) }}

),

classified as (

    {{ classify_rows('to_classify', ['response_id'], checks) }}

),

final as (

    select
        {{ select_columns('classified', columns) }},
        {{ row_status_columns() }},
        {{ classified_at() }} as _classified_at
    from classified

)

select * from final
