{{ config(
    incremental_strategy=base_incremental_strategy(),
    pre_hook="{{ reset_base_if_raw_replaced('tickets') }}",
) }}
{#- Raw columns whose trimmed text (<column>_text) the checks test; not stored. -#}
{%- set text_columns = [
    'status', 'created_at', 'first_response_at', 'resolved_at', 'agent_replies',
    'reopened_count', 'handle_seconds', 'updated_at',
] -%}
{%- set raw_columns = [
    'ticket_id', 'customer_id', 'agent_id', 'channel', 'category', 'priority', 'status',
    'created_at', 'first_response_at', 'resolved_at', 'agent_replies', 'reopened_count',
    'handle_seconds', 'updated_at',
] -%}
{#- What the model stores, in table order (+ row_status, reject_reason(s), _classified_at). -#}
{%- set columns = stored_column_list([
    'ticket_id', 'customer_id', 'agent_id', 'channel', 'category', 'priority', 'status',
    'raw_record', 'created_at', 'first_response_at', 'resolved_at', 'updated_at', 'agent_replies',
    'reopened_count', 'handle_seconds',
]) -%}
{%- set checks = required_checks(['status', 'created_at'])
    + category_checks({
        'channel': ['email', 'chat', 'web', 'social'],
        'category': ['billing', 'technical', 'shipping', 'returns', 'account', 'other'],
        'priority': ['low', 'normal', 'high', 'urgent'],
        'status': ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'],
    })
    + unparseable_checks(['created_at', 'first_response_at', 'resolved_at'], 'timestamp')
    + unparseable_checks(['agent_replies', 'reopened_count', 'handle_seconds'], 'integer')
    + range_checks({
        'agent_replies': [0, none], 'reopened_count': [0, none], 'handle_seconds': [0, none],
    })
    + [
        ('first_response_at < created_at', 'first_response_before_created'),
        ('resolved_at < created_at', 'resolved_before_created'),
        ("status in ('solved', 'closed') and resolved_at is null", 'resolved_status_without_resolved_at'),
    ]
-%}

with

source as (

    {{ raw_source('tickets') }}

),

cleaned as (

    select
        _raw_file,
        _raw_row,
        _is_malformed,
        _source_reason,
        {{ clean_text('ticket_id') }} as ticket_id,
        {{ clean_text('customer_id') }} as customer_id,
        {{ clean_text('agent_id') }} as agent_id,
        {{ clean_category('channel') }} as channel,
        {{ clean_category('category') }} as category,
        {{ clean_category('priority') }} as priority,
        {{ clean_category('status') }} as status,
        {{ raw_texts(text_columns) }},
        {{ raw_record(raw_columns) }} as raw_record
    from source

),

parsed as (

    select
        *,
        {{ parse_timestamp('created_at_text') }} as created_at,
        {{ parse_timestamp('first_response_at_text') }} as first_response_at,
        {{ parse_timestamp('resolved_at_text') }} as resolved_at,
        {{ parse_timestamp('updated_at_text') }} as updated_at,
        coalesce({{ parse_integer('agent_replies_text') }}, case when agent_replies_text is null then 0 end)
            as agent_replies,
        coalesce({{ parse_integer('reopened_count_text') }}, case when reopened_count_text is null then 0 end)
            as reopened_count,
        coalesce({{ parse_integer('handle_seconds_text') }}, case when handle_seconds_text is null then 0 end)
            as handle_seconds
    from cleaned

),

to_classify as (

    {{ with_prior_versions('parsed', ['ticket_id'], columns, text_columns=text_columns) }}

),

classified as (

    {{ classify_rows('to_classify', ['ticket_id'], checks, updated_at='updated_at') }}

),

final as (

    select
        {{ select_columns('classified', columns) }},
        {{ row_status_columns() }},
        {{ classified_at() }} as _classified_at
    from classified

)

select * from final
