{#- A table: it reads the raw files, which only the dbt process can read (cs_kpi plugin). -#}
{{ config(materialized='table') }}
{#-
    SPEC part B rule 3, as a table a data steward can read: for every raw table, the raw
    row count (read straight from the raw input) beside where each row ended up.
    raw_rows = valid_rows + superseded_rows + duplicate_rows + rejected_rows must hold;
    the test on this model fails the build when it does not.
-#}
{%- set bases = [] -%}
{%- for entry in raw_table_catalog() -%}
{%- do bases.append((entry['name'], entry['base'], entry['staging'])) -%}
{%- endfor -%}

with

{% for raw_table, base_model, staging_model in bases %}
{{ raw_table }}_counts as (

    select
        '{{ raw_table }}' as raw_table,
        -- the alias is unused, but PostgreSQL requires one on a subquery in FROM
        (select count(*) from {{ raw_relation(raw_table) }} as raw_input_rows) as raw_rows,  -- noqa: AL05
        (select count(*) from {{ ref(staging_model) }}) as staging_rows,
        count(*) as classified_rows,
        -- coalesce: a header-only file has no rows, and a sum over no rows is NULL
        coalesce(sum(case when row_status = 'valid' then 1 else 0 end), 0) as valid_rows,
        coalesce(sum(case when row_status = 'superseded' then 1 else 0 end), 0) as superseded_rows,
        coalesce(sum(case when row_status = 'duplicate' then 1 else 0 end), 0) as duplicate_rows,
        coalesce(sum(case when row_status = 'rejected' then 1 else 0 end), 0) as rejected_rows,
        coalesce(sum(case
            when row_status = 'rejected' and reject_reason in ({{ source_exclusion_reasons() }}) then 1
            else 0
        end), 0) as source_excluded_rows,
        coalesce(sum(case
            when
                row_status not in ('valid', 'superseded', 'duplicate', 'rejected')
                or row_status is null then 1
            else 0
        end), 0) as unclassified_rows
    from {{ ref(base_model) }}

),
{% endfor %}

unioned as (

    {% for raw_table, base_model, staging_model in bases %}
    select * from {{ raw_table }}_counts
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        raw_table,
        cast(raw_rows as bigint) as raw_rows,
        cast(valid_rows as bigint) as valid_rows,
        cast(superseded_rows as bigint) as superseded_rows,
        cast(duplicate_rows as bigint) as duplicate_rows,
        cast(rejected_rows as bigint) as rejected_rows,
        cast(source_excluded_rows as bigint) as source_excluded_rows,
        cast(unclassified_rows as bigint) as unclassified_rows,
        cast(staging_rows as bigint) as staging_rows,
        cast(classified_rows as bigint) as classified_rows,
        {{ pct('rejected_rows - source_excluded_rows', 'raw_rows - source_excluded_rows') }} as rejected_pct,
        raw_rows = valid_rows + superseded_rows + duplicate_rows + rejected_rows
        and unclassified_rows = 0
        and staging_rows = valid_rows as is_reconciled
    from unioned

)

select * from final
