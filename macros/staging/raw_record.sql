{#
    The raw row as JSON text, exactly as it arrived (personal columns replaced by their
    salted hash), for the rejects model and for exact-duplicate detection.
#}
{% macro raw_record(columns, personal_columns=[]) -%}
    {{ adapter.dispatch('raw_record', 'cs_kpi')(columns, personal_columns) }}
{%- endmacro %}

{% macro duckdb__raw_record(columns, personal_columns) -%}
    cast(json_object(
        {%- for column in columns %}
        '{{ column }}',
        {% if column in personal_columns -%}
            {{ hash_pii(column) }}
        {%- else -%}
            cast({{ column }} as varchar)
        {%- endif -%}
        {{- "," if not loop.last }}
        {%- endfor %}
    ) as varchar)
{%- endmacro %}

{% macro default__raw_record(columns, personal_columns) -%}
    {{ exceptions.raise_compiler_error("raw_record is implemented for DuckDB only; add a dispatch for " ~ target.type) }}
{%- endmacro %}


{#- One value of a stored raw_record, as text (NULL when it arrived NULL). -#}
{% macro raw_record_value(record, column) -%}
    {{ adapter.dispatch('raw_record_value', 'cs_kpi')(record, column) }}
{%- endmacro %}

{% macro duckdb__raw_record_value(record, column) -%}
    json_extract_string({{ record }}, '$.{{ column }}')
{%- endmacro %}

{% macro default__raw_record_value(record, column) -%}
    {{ exceptions.raise_compiler_error("raw_record_value is implemented for DuckDB only; add a dispatch for " ~ target.type) }}
{%- endmacro %}
