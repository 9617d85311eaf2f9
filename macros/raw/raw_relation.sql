{#
    The one place that decides where raw data comes from (SPEC part A):
    - no raw_path var: the dbt seeds raw_<name> (every column loaded as text);
    - raw_path set: the file <raw_path>/raw_<name>.<raw_format>, raw_format csv (default) or parquet.
    Staging base models are the only callers.
#}
{% macro raw_relation(table_name) -%}
    {%- set raw_path = var('raw_path', none) -%}
    {#- Always registered, so the dependency graph (and unit-test mocks) is the same either way. -#}
    {%- set seed_relation = ref('raw_' ~ table_name) -%}
    {%- if raw_path -%}
        {%- set raw_format = var('raw_format', 'csv') | lower -%}
        {%- if raw_format not in ['csv', 'parquet'] -%}
            {{ exceptions.raise_compiler_error(
                "var raw_format must be 'csv' or 'parquet', got '" ~ raw_format ~ "'") }}
        {%- endif -%}
        {%- set file_path = raw_path.rstrip('/') ~ '/raw_' ~ table_name ~ '.' ~ raw_format -%}
        {{ adapter.dispatch('raw_file_relation', 'cs_kpi')(file_path, raw_format) }}
    {%- else -%}
        {{ seed_relation }}
    {%- endif -%}
{%- endmacro %}

{% macro duckdb__raw_file_relation(file_path, raw_format) -%}
    {%- if raw_format == 'csv' -%}
        read_csv(
            '{{ file_path }}',
            header = true,
            all_varchar = true,
            delim = ',',
            quote = '"',
            escape = '"',
            max_line_size = 10000000
        )
    {%- else -%}
        read_parquet('{{ file_path }}')
    {%- endif -%}
{%- endmacro %}

{% macro default__raw_file_relation(file_path, raw_format) -%}
    {{ exceptions.raise_compiler_error(
        "raw_path reads files directly only on DuckDB. On " ~ target.type ~
        ", load the raw files into the raw schema (for example with dbt seed) and run without raw_path.") }}
{%- endmacro %}
