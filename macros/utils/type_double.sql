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

{% macro spark__type_double() -%}
    double
{%- endmacro %}

{#- dbt's cast (also how contracts build their expected schema), with the contract types of
    the mart YAML that Spark spells otherwise: text -> string, float8 -> double. -#}
{% macro spark__cast(field, type) -%}
    {%- set spark_types = {'text': 'string', 'float8': 'double', 'double precision': 'double'} -%}
    cast({{ field }} as {{ spark_types.get(type | trim | lower, type) }})
{%- endmacro %}
