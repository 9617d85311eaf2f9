{#
    Gap-free periods for a KPI mart: every month (or day) of dim_calendar from the period of
    first_expression to the period of last_expression, both evaluated over bounds_relation.
    Emits a select with one column `period` (DATE).
#}
{% macro period_series(datepart, bounds_relation, first_expression, last_expression) -%}
    {%- set calendar_column = 'month_start_date' if datepart == 'month' else 'date_day' -%}
    select distinct calendar.{{ calendar_column }} as period
    from {{ ref('dim_calendar') }} as calendar
    cross join (
        select
            {% if datepart == 'month' -%}
            {{ month_of(first_expression) }} as first_period,
            {{ month_of(last_expression) }} as last_period
            {%- else -%}
            {{ day_of(first_expression) }} as first_period,
            {{ day_of(last_expression) }} as last_period
            {%- endif %}
        from {{ bounds_relation }}
    ) as bounds
    where calendar.{{ calendar_column }} between bounds.first_period and bounds.last_period
{%- endmacro %}
