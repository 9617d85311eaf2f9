{{ config(
    incremental_strategy=base_incremental_strategy(),
    pre_hook="{{ reset_base_if_raw_replaced('agent_shifts') }}",
) }}
{#- Raw columns whose trimmed text (<column>_text) the checks test; not stored. -#}
{%- set text_columns = ['agent_id', 'shift_start', 'shift_end'] -%}
{%- set raw_columns = ['shift_id', 'agent_id', 'shift_start', 'shift_end'] -%}
{#- What the model stores, in table order (+ row_status, reject_reason(s), _classified_at). -#}
{%- set columns = stored_column_list([
    'shift_id', 'agent_id', 'raw_record', 'shift_start', 'shift_end',
]) -%}
{%- set checks = required_checks(['agent_id', 'shift_start', 'shift_end'])
    + unparseable_checks(['shift_start', 'shift_end'], 'timestamp')
    + [('shift_end <= shift_start', 'shift_end_not_after_start')]
-%}

with

source as (

    {{ raw_source('agent_shifts') }}

),

cleaned as (

    select
        _raw_file,
        _raw_row,
        _is_malformed,
        _source_reason,
        {{ clean_text('shift_id') }} as shift_id,
        {{ clean_text('agent_id') }} as agent_id,
        {{ raw_texts(text_columns) }},
        {{ raw_record(raw_columns) }} as raw_record
    from source

),

parsed as (

    select
        *,
        {{ parse_timestamp('shift_start_text') }} as shift_start,
        {{ parse_timestamp('shift_end_text') }} as shift_end
    from cleaned

),

to_classify as (

    {{ with_prior_versions('parsed', ['shift_id'], columns, text_columns=text_columns) }}

),

classified as (

    {{ classify_rows('to_classify', ['shift_id'], checks) }}

),

final as (

    select
        {{ select_columns('classified', columns) }},
        {{ row_status_columns() }},
        {{ classified_at() }} as _classified_at
    from classified

)

select * from final
