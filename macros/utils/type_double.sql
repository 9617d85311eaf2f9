{#- A 64-bit float (SPEC: rates and averages are DOUBLE). type_double() is 32-bit FLOAT on DuckDB. -#}
{% macro type_double() -%}
    {{ adapter.dispatch('type_double', 'cs_kpi')() }}
{%- endmacro %}

{% macro duckdb__type_double() -%}
    double
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}
