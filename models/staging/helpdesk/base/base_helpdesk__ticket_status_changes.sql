{{ config(
    incremental_strategy=base_incremental_strategy(),
    pre_hook="{{ reset_base_if_raw_replaced('ticket_status_changes') }}",
) }}
{#-
    SPEC part E staging, as part B for a table without updated_at: a row whose key
    (ticket_id, changed_at) is empty or unparseable, or whose changed_at is out of range, is
    rejected; rows of one key that are not all identical (raw text) are all rejected
    (conflicting_duplicate_key); exact duplicates keep one; the surviving row is then rejected
    when its status is outside the list, its ticket is missing or rejected, or changed_at is
    before the ticket's created_at.
-#}
{%- set text_columns = ['changed_at', 'status'] -%}
{%- set raw_columns = ['ticket_id', 'changed_at', 'status'] -%}
{#- What the model stores, in table order (+ row_status, reject_reason(s), _classified_at). -#}
{%- set columns = stored_column_list([
    'ticket_id', 'changed_at', 'status', 'raw_record', 'ticket_state', 'ticket_created_at',
]) -%}
{%- set checks = required_checks(['status'])
    + category_checks({'status': ['new', 'open', 'pending', 'on_hold', 'solved', 'closed']})
    + [
        ("ticket_state = 'missing'", 'ticket_missing'),
        ("ticket_state = 'rejected'", 'ticket_rejected'),
        ('changed_at < ticket_created_at', 'changed_before_created'),
    ]
-%}
{#- A change's validity follows its ticket: changes are re-classified when they arrive, and
    when their ticket was re-classified since this model's last run (incremental_base.sql). -#}
{%- set watermark = "(select coalesce(max(_classified_at), cast('1900-01-01' as timestamp)) from "
    ~ this ~ ")" -%}
{%- set reclassified_parents = "loaded_rows.ticket_id in (select ticket_id from " ~ ref('base_helpdesk__tickets')
    ~ " where _classified_at > " ~ watermark ~ ")" -%}

with

source as (

    {{ raw_source('ticket_status_changes') }}

),

tickets as (

    select
        ticket_id,
        max(case when row_status = 'valid' then 1 else 0 end) as has_valid_row,
        max(case when row_status = 'valid' then created_at end) as created_at
    from {{ ref('base_helpdesk__tickets') }}
    where ticket_id is not null
    group by ticket_id

),

cleaned as (

    select
        _raw_file,
        _raw_row,
        _is_malformed,
        _source_reason,
        {{ clean_text('ticket_id') }} as ticket_id,
        {{ clean_category('status') }} as status,
        {{ raw_texts(text_columns) }},
        {{ raw_record(raw_columns) }} as raw_record
    from source

),

parsed as (

    select
        *,
        {{ parse_timestamp('changed_at_text') }} as changed_at
    from cleaned

),

to_classify as (

    {{ with_prior_versions('parsed', ['ticket_id', 'changed_at'], columns, text_columns=text_columns,
        derived_columns=['ticket_state', 'ticket_created_at'], also_when=reclassified_parents) }}

),

stated as (

    select
        to_classify.*,
        case
            when tickets.has_valid_row = 1 then 'valid'
            when tickets.ticket_id is not null then 'rejected'
            else 'missing'
        end as ticket_state,
        tickets.created_at as ticket_created_at
    from to_classify
    left join tickets
        on to_classify.ticket_id = tickets.ticket_id

),

classified as (

    {{ classify_rows('stated', ['ticket_id', 'changed_at'], checks, timestamp_keys=['changed_at']) }}

),

final as (

    select
        {{ select_columns('classified', columns) }},
        {{ row_status_columns() }},
        {{ classified_at() }} as _classified_at
    from classified

)

select * from final
