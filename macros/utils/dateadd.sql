{#
    dbt.dateadd on Spark, exact to the microsecond. dbt-spark's own goes through
    to_unix_timestamp, which drops the fraction of a second: a contact 0.4 s inside the
    7-day window fell outside it (3 contacts flipped is_repeat_visit on the seeds). This one
    counts in microseconds since the epoch (unix_micros), so sub-seconds are kept; months keep
    the time of day. The session time zone is UTC (profiles.yml), so a day is 86,400 s.
    Returns a timestamp, as dbt-spark's does; callers cast to date where they need one.
#}
{% macro spark__dateadd(datepart, interval, from_date_or_timestamp) -%}
    {%- set micros_per = {
        'week': 604800000000, 'day': 86400000000, 'hour': 3600000000, 'minute': 60000000,
        'second': 1000000, 'millisecond': 1000, 'microsecond': 1,
    } -%}
    {%- set months_per = {'month': 1, 'quarter': 3, 'year': 12} -%}
    {%- set start = 'cast(' ~ from_date_or_timestamp ~ ' as timestamp)' -%}
    {%- if datepart in micros_per -%}
        timestamp_micros(unix_micros({{ start }}) + cast(({{ interval }}) as bigint) * {{ micros_per[datepart] }})
    {%- elif datepart in months_per -%}
        timestamp_micros(
            unix_micros(cast(add_months(cast({{ start }} as date), cast(({{ interval }}) * {{ months_per[datepart] }} as int)) as timestamp))
            + (unix_micros({{ start }}) - unix_micros(cast(cast({{ start }} as date) as timestamp)))
        )
    {%- else -%}
        {{ exceptions.raise_compiler_error("dateadd: unsupported datepart '" ~ datepart ~ "' on Spark") }}
    {%- endif -%}
{%- endmacro %}
