-- SPEC C: daily call operations per day of started_at, over inbound calls.
with

calls as (

    select * from {{ ref('fct_calls') }}

),

days as (

    {{ period_series('day', ref('fct_calls'), 'min(started_at)', 'max(started_at)') }}

),

daily as (

    select
        started_date as day,
        sum(case when is_inbound then 1 else 0 end) as inbound_calls,
        sum(case when is_answered_inbound then 1 else 0 end) as answered_calls,
        sum(case when is_abandoned then 1 else 0 end) as abandoned_calls,
        sum(case when is_failed_inbound then 1 else 0 end) as failed_calls,
        sum(case when is_inbound and is_answered_within_service_level then 1 else 0 end)
            as answered_within_service_level,
        avg(case when is_answered_inbound then speed_of_answer_seconds end)
            as avg_speed_of_answer_seconds,
        avg(cast(answered_inbound_handle_seconds as {{ type_double() }}))
            as avg_handle_time_seconds
    from calls
    group by started_date

),

final as (

    select
        days.period as day,
        cast(coalesce(daily.inbound_calls, 0) as bigint) as inbound_calls,
        cast(coalesce(daily.answered_calls, 0) as bigint) as answered_calls,
        cast(coalesce(daily.abandoned_calls, 0) as bigint) as abandoned_calls,
        cast(coalesce(daily.failed_calls, 0) as bigint) as failed_calls,
        {{ pct('daily.abandoned_calls', 'daily.inbound_calls') }} as abandonment_rate,
        {{ pct('daily.answered_within_service_level', 'daily.inbound_calls') }} as service_level_pct,
        cast(daily.avg_speed_of_answer_seconds as {{ type_double() }}) as avg_speed_of_answer_seconds,
        cast(daily.avg_handle_time_seconds as {{ type_double() }}) as avg_handle_time_seconds
    from days
    left join daily
        on days.period = daily.day

)

select * from final
