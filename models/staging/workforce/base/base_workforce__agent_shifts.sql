{%- set raw_columns = ['shift_id', 'agent_id', 'shift_start', 'shift_end'] -%}
{%- set checks = required_checks(['agent_id', 'shift_start', 'shift_end'])
    + unparseable_checks(['shift_start', 'shift_end'], 'timestamp')
    + [('shift_end <= shift_start', 'shift_end_not_after_start')]
-%}

with

source as (

    select * from {{ raw_relation('agent_shifts') }}

),

cleaned as (

    select
        {{ clean_text('shift_id') }} as shift_id,
        {{ clean_text('agent_id') }} as agent_id,
        {{ clean_text('agent_id') }} as agent_id_text,
        {{ clean_text('shift_start') }} as shift_start_text,
        {{ clean_text('shift_end') }} as shift_end_text,
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

classified as (

    {{ classify_rows('parsed', ['shift_id'], checks) }}

),

final as (

    select
        shift_id,
        agent_id,
        shift_start as shift_start_at,
        shift_end as shift_end_at,
        {{ row_status_columns() }},
        raw_record
    from classified

)

select * from final
