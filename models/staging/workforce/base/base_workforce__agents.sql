{{ config(
    incremental_strategy=base_incremental_strategy(),
    pre_hook="{{ reset_base_if_raw_replaced('agents') }}",
) }}
{#- Raw columns whose trimmed text (<column>_text) the checks test; not stored. -#}
{%- set text_columns = ['hourly_cost', 'hired_at'] -%}
{%- set raw_columns = ['agent_id', 'agent_name', 'team', 'hourly_cost', 'hired_at'] -%}
{#- What the model stores, in table order (+ row_status, reject_reason(s), _classified_at). -#}
{%- set columns = stored_column_list([
    'agent_id', 'agent_name', 'team', 'raw_record', 'hourly_cost', 'hired_at',
]) -%}
{%- set checks = unparseable_checks(['hourly_cost'], 'decimal')
    + unparseable_checks(['hired_at'], 'timestamp')
    + range_checks({'hourly_cost': [0, none]})
-%}

with

source as (

    {{ raw_source('agents') }}

),

cleaned as (

    select
        _raw_file,
        _raw_row,
        _is_malformed,
        _source_reason,
        {{ clean_text('agent_id') }} as agent_id,
        {{ clean_text('agent_name') }} as agent_name,
        {{ clean_text('team') }} as team,
        {{ raw_texts(text_columns) }},
        {{ raw_record(raw_columns) }} as raw_record
    from source

),

parsed as (

    select
        *,
        {{ parse_decimal('hourly_cost_text') }} as hourly_cost,
        {{ parse_timestamp('hired_at_text') }} as hired_at
    from cleaned

),

to_classify as (

    {{ with_prior_versions('parsed', ['agent_id'], columns, text_columns=text_columns) }}

),

classified as (

    {{ classify_rows('to_classify', ['agent_id'], checks) }}

),

final as (

    select
        {{ select_columns('classified', columns) }},
        {{ row_status_columns() }},
        {{ classified_at() }} as _classified_at
    from classified

)

select * from final
