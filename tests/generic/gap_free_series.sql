{#-
    The column is a gap-free series of periods (datepart: day or month): no duplicates and
    exactly one row per period from its first to its last value. Fails with one row
    describing the mismatch.
-#}
{% test gap_free_series(model, column_name, datepart) %}

with

bounds as (

    select
        min({{ column_name }}) as first_period,
        max({{ column_name }}) as last_period,
        count(*) as periods,
        count(distinct {{ column_name }}) as distinct_periods
    from {{ model }}

)

select *
from bounds
where periods > 0
    and (
        periods <> distinct_periods
        or periods <> {{ dbt.datediff('first_period', 'last_period', datepart) }} + 1
    )

{% endtest %}
