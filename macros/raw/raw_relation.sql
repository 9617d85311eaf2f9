{#
    The one place that decides where raw data comes from (SPEC part A):
    - no raw_path var: the dbt seeds raw_<name> (every column loaded as text);
    - raw_path set: the files <raw_path>/raw_<name>.<raw_format> and any appended batches
      <raw_path>/raw_<name>__<batch>.<raw_format>, raw_format csv (default) or parquet.
    raw_relation reads all of them (row counts, reconciliation); staging base models read
    the batches they have not loaded yet through raw_source (incremental_base.sql).
#}
{% macro raw_relation(table_name) -%}
    {%- set raw_path = var('raw_path', none) -%}
    {#- Always registered, so the dependency graph (and unit-test mocks) is the same either way. -#}
    {%- set seed_relation = ref('raw_' ~ table_name) -%}
    {%- if raw_path -%}
        {%- set raw_format = var('raw_format', 'csv') | lower -%}
        {{ raw_files_relation(raw_batches(table_name) | map('first') | list, raw_format) }}
    {%- else -%}
        {{ seed_relation }}
    {%- endif -%}
{%- endmacro %}

{% macro raw_files_relation(file_paths, raw_format, with_file_columns=false) -%}
    {%- if raw_format not in ['csv', 'parquet'] -%}
        {{ exceptions.raise_compiler_error(
            "var raw_format must be 'csv' or 'parquet', got '" ~ raw_format ~ "'") }}
    {%- endif -%}
    {{ adapter.dispatch('raw_file_relation', 'cs_kpi')(file_paths, raw_format, with_file_columns) }}
{%- endmacro %}

{% macro duckdb__raw_file_relation(file_paths, raw_format, with_file_columns) -%}
    {%- set files = "['" ~ file_paths | join("', '") ~ "']" -%}
    {%- if raw_format == 'csv' -%}
        read_csv(
            {{ files }},
            header = true,
            all_varchar = true,
            delim = ',',
            quote = '"',
            escape = '"',
            union_by_name = true,
            max_line_size = 10000000{{ ',' if with_file_columns }}
            {%- if with_file_columns %}
            filename = true
            {%- endif %}
        )
    {%- else -%}
        read_parquet({{ files }}, union_by_name = true
            {%- if with_file_columns %}, filename = true, file_row_number = true{% endif %})
    {%- endif -%}
{%- endmacro %}

{% macro default__raw_file_relation(file_paths, raw_format, with_file_columns) -%}
    {{ exceptions.raise_compiler_error(
        "raw_path reads files directly only on DuckDB. On " ~ target.type ~
        ", load the raw files into the raw schema (for example with dbt seed) and run without raw_path.") }}
{%- endmacro %}
