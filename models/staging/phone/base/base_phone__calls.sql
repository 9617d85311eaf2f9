{{ config(
    incremental_strategy=base_incremental_strategy(),
    pre_hook="{{ reset_base_if_raw_replaced('calls') }}",
) }}
{#- Raw columns whose trimmed text (<column>_text) the checks test; not stored. -#}
{%- set text_columns = [
    'direction', 'started_at', 'answered_at', 'ended_at', 'talk_seconds', 'hold_seconds',
    'wrap_seconds', 'quality_score',
] -%}
{%- set raw_columns = [
    'call_id', 'customer_id', 'agent_id', 'direction', 'category', 'started_at', 'answered_at',
    'ended_at', 'talk_seconds', 'hold_seconds', 'wrap_seconds', 'disposition', 'ticket_id',
    'quality_score',
] -%}
{#- What the model stores, in table order (+ row_status, reject_reason(s), _classified_at). -#}
{%- set columns = stored_column_list([
    'call_id', 'customer_id', 'agent_id', 'direction', 'category', 'disposition', 'ticket_id',
    'raw_record', 'started_at', 'answered_at', 'ended_at', 'talk_seconds', 'hold_seconds',
    'wrap_seconds', 'quality_score',
]) -%}
{%- set checks = required_checks(['direction', 'started_at', 'ended_at'])
    + category_checks({
        'direction': ['inbound', 'outbound'],
        'category': ['billing', 'technical', 'shipping', 'returns', 'account', 'other'],
        'disposition': ['resolved', 'escalated', 'callback', 'transferred', 'abandoned', 'failed'],
    })
    + unparseable_checks(['started_at', 'answered_at', 'ended_at'], 'timestamp')
    + unparseable_checks(['talk_seconds', 'hold_seconds', 'wrap_seconds', 'quality_score'], 'integer')
    + range_checks({
        'talk_seconds': [0, none], 'hold_seconds': [0, none], 'wrap_seconds': [0, none],
        'quality_score': [0, 100],
    })
    + [
        ('answered_at < started_at', 'answered_before_started'),
        ('ended_at < started_at', 'ended_before_started'),
        ('ended_at < answered_at', 'ended_before_answered'),
    ]
-%}

with

source as (

    {{ raw_source('calls') }}

),

cleaned as (

    select
        _raw_file,
        _raw_row,
        _is_malformed,
        _source_reason,
        {{ clean_text('call_id') }} as call_id,
        {{ clean_text('customer_id') }} as customer_id,
        {{ clean_text('agent_id') }} as agent_id,
        {{ clean_category('direction') }} as direction,
        {{ raw_texts(text_columns) }},
        {{ clean_category('category') }} as category,
        {{ clean_category('disposition') }} as disposition,
        {{ clean_text('ticket_id') }} as ticket_id,
        {{ raw_record(raw_columns) }} as raw_record
    from source

),

parsed as (

    select
        *,
        {{ parse_timestamp('started_at_text') }} as started_at,
        {{ parse_timestamp('answered_at_text') }} as answered_at,
        {{ parse_timestamp('ended_at_text') }} as ended_at,
        coalesce({{ parse_integer('talk_seconds_text') }}, case when talk_seconds_text is null then 0 end)
            as talk_seconds,
        coalesce({{ parse_integer('hold_seconds_text') }}, case when hold_seconds_text is null then 0 end)
            as hold_seconds,
        coalesce({{ parse_integer('wrap_seconds_text') }}, case when wrap_seconds_text is null then 0 end)
            as wrap_seconds,
        {{ parse_integer('quality_score_text') }} as quality_score
    from cleaned

),

to_classify as (

    {{ with_prior_versions('parsed', ['call_id'], columns, text_columns=text_columns) }}

),

classified as (

    {{ classify_rows('to_classify', ['call_id'], checks) }}

),

final as (

    select
        {{ select_columns('classified', columns) }},
        {{ row_status_columns() }},
        {{ classified_at() }} as _classified_at
    from classified

)

select * from final
