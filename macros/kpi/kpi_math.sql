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
    (cast({{ microseconds_between(start_expression, end_expression) }} as {{ type_double() }}) / 1000000.0)
{%- endmacro %}

{#
    Months and days of SPEC parts C and D are calendar months and days of the reporting time
    zone (var reporting_timezone, default UTC): the month of instant t is the local month that
    contains t. Timestamps are UTC instants; these macros return local DATEs.
    month_of / day_of / next_month_start take a timestamp; month_of_date takes a DATE.
#}
{% macro month_of(timestamp_expression) -%}
    cast({{ dbt.date_trunc('month', to_local_time(timestamp_expression)) }} as date)
{%- endmacro %}

{#- First day of the month after the timestamp's month: the first month start strictly after it. -#}
{% macro next_month_start(timestamp_expression) -%}
    cast({{ dbt.dateadd('month', 1, month_of(timestamp_expression)) }} as date)
{%- endmacro %}

{% macro day_of(timestamp_expression) -%}
    cast({{ dbt.date_trunc('day', to_local_time(timestamp_expression)) }} as date)
{%- endmacro %}

{% macro month_of_date(date_expression) -%}
    cast({{ dbt.date_trunc('month', date_expression) }} as date)
{%- endmacro %}

{#- Elapsed microseconds between two timestamps, as an exact integer (SLA comparisons). -#}
{% macro microseconds_between(start_expression, end_expression) -%}
    {{ adapter.dispatch('microseconds_between', 'cs_kpi')(start_expression, end_expression) }}
{%- endmacro %}

{% macro duckdb__microseconds_between(start_expression, end_expression) -%}
    date_diff('microsecond', {{ start_expression }}, {{ end_expression }})
{%- endmacro %}

{% macro default__microseconds_between(start_expression, end_expression) -%}
    cast(round(extract(epoch from ({{ end_expression }}) - ({{ start_expression }})) * 1000000) as bigint)
{%- endmacro %}

{% macro spark__microseconds_between(start_expression, end_expression) -%}
    (unix_micros({{ end_expression }}) - unix_micros({{ start_expression }}))
{%- endmacro %}

{#- ISO day of the week of a DATE: 1 = Monday .. 7 = Sunday. -#}
{% macro iso_weekday(date_expression) -%}
    {{ adapter.dispatch('iso_weekday', 'cs_kpi')(date_expression) }}
{%- endmacro %}

{% macro default__iso_weekday(date_expression) -%}
    cast(extract(isodow from {{ date_expression }}) as integer)
{%- endmacro %}

{% macro spark__iso_weekday(date_expression) -%}
    cast(((dayofweek({{ date_expression }}) + 5) % 7) + 1 as integer)
{%- endmacro %}
