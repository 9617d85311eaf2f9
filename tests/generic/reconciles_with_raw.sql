{#-
    SPEC B.3 for one raw table: every raw row is in the base model exactly once with a known
    status, and the stg model holds exactly the valid ones. Attached to each base model, so a
    failure names its raw table.
-#}
{% test reconciles_with_raw(model, raw_table, staging_model) %}

with

raw_rows as (

    select count(*) as row_count from {{ raw_relation(raw_table) }} as raw_input_rows

),

classified as (

    select
        count(*) as row_count,
        sum(case when row_status in ('valid', 'superseded', 'duplicate', 'rejected') then 1 else 0 end)
            as known_status_rows,
        sum(case when row_status = 'valid' then 1 else 0 end) as valid_rows
    from {{ model }}

),

staged as (

    select count(*) as row_count from {{ staging_model }}

)

select
    '{{ raw_table }}' as raw_table,
    raw_rows.row_count as raw_rows,
    classified.row_count as classified_rows,
    classified.known_status_rows,
    classified.valid_rows,
    staged.row_count as staging_rows
from raw_rows
cross join classified
cross join staged
where raw_rows.row_count <> classified.row_count
    or classified.known_status_rows <> classified.row_count
    or coalesce(classified.valid_rows, 0) <> staged.row_count

{% endtest %}
