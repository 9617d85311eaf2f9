{#-
    SPEC D business time as a clock reading: select body giving, for every row of
    `points_relation`, its `key_columns` and clock_microseconds, the business microseconds
    from the start of the business calendar (`intervals_relation`, int_business_intervals) to
    the row's instant `point_column`: the open time of the dates before its local date plus
    the open part of its own date before it. Business time between t1 <= t2 is then
    clock(t2) - clock(t1), the length of the parts of [t1, t2) inside open intervals.
    Arguments:
      points_relation     a CTE or relation with one instant per row
      intervals_relation  int_business_intervals (or a CTE selecting from it)
      key_columns         the columns that identify a point (they are grouped by)
      point_column        the instant column (UTC), default point_at
-#}
{% macro business_clock(points_relation, intervals_relation, key_columns, point_column='point_at') -%}
    select
        {%- for column in key_columns %}
        points.{{ column }},
        {%- endfor %}
        max(intervals.business_microseconds_before_day)
        + sum(
            case
                when intervals.open_at is null or points.{{ point_column }} <= intervals.open_at then 0
                when points.{{ point_column }} >= intervals.close_at then intervals.interval_microseconds
                else {{ microseconds_between('intervals.open_at', 'points.' ~ point_column) }}
            end
        ) as clock_microseconds
    from {{ points_relation }} as points
    inner join {{ intervals_relation }} as intervals
        on {{ day_of('points.' ~ point_column) }} = intervals.local_date
    group by {% for column in key_columns %}points.{{ column }}{{ ', ' if not loop.last }}{% endfor %}
{%- endmacro %}
