{#- The latest non-NULL of several timestamp columns (NULL only when all are NULL). -#}
{% macro greatest_ts(columns) -%}
    {{ adapter.dispatch('greatest_ts', 'cs_kpi')(columns) }}
{%- endmacro %}

{% macro default__greatest_ts(columns) -%}
    greatest({% for column in columns %}coalesce({{ column }}, {{ columns[0] }}){{ ", " if not loop.last }}{% endfor %})
{%- endmacro %}
