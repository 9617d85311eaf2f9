{#
    KPI arithmetic of SPEC part C, in one place.
    - pct(numerator, denominator): 100 * n / d as a double, NULL when d is 0 or NULL
      (never a division error, never 0).
    - seconds_between(start, end): elapsed seconds as a double, microsecond exact.
#}
{% macro pct(numerator, denominator) -%}
    case
        when coalesce({{ denominator }}, 0) = 0 then null
        else cast(100.0 * ({{ numerator }}) as {{ type_double() }}) / ({{ denominator }})
    end
{%- endmacro %}

{% macro seconds_between(start_expression, end_expression) -%}
    {{ adapter.dispatch('seconds_between', 'cs_kpi')(start_expression, end_expression) }}
{%- endmacro %}

{% macro duckdb__seconds_between(start_expression, end_expression) -%}
    (cast(date_diff('microsecond', {{ start_expression }}, {{ end_expression }}) as double) / 1000000.0)
{%- endmacro %}

{% macro default__seconds_between(start_expression, end_expression) -%}
    cast({{ dbt.datediff(start_expression, end_expression, 'second') }} as {{ type_double() }})
{%- endmacro %}

{# First day of the month / the day of a timestamp, as a DATE. #}
{% macro month_of(timestamp_expression) -%}
    cast({{ dbt.date_trunc('month', timestamp_expression) }} as date)
{%- endmacro %}

{#- First day of the month after the timestamp's month: the first month start strictly after it. -#}
{% macro next_month_start(timestamp_expression) -%}
    cast({{ dbt.dateadd('month', 1, month_of(timestamp_expression)) }} as date)
{%- endmacro %}

{% macro day_of(timestamp_expression) -%}
    cast({{ dbt.date_trunc('day', timestamp_expression) }} as date)
{%- endmacro %}
