{#
    Use the folder's +schema as the real schema name (staging, intermediate, marts, raw),
    not dbt's default "<target schema>_<custom schema>", so BI tools see marts.kpi_nps_monthly.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
