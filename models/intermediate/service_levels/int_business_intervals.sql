{#-
    SPEC D business time as a cumulative clock. One row per open interval of each local date
    of the reporting time zone (a closed date, or a holiday, has one row with no interval),
    from the local date of the first valid ticket to that of the as-of instant
    (int_ticket_as_of).
    Opening and closing times are local wall-clock times turned into UTC instants with the
    zone's rules of that date, so a daylight-saving change moves them as it should.
    business_microseconds_before_day is the open time of all earlier dates: the business time
    between t1 and t2 is then clock(t2) - clock(t1), where clock(t) adds the open part of t's
    own date before t (int_ticket_service_levels). Integers in microseconds keep the SLA
    comparisons exact.
-#}
with

ticket_bounds as (

    select * from {{ ref('int_ticket_as_of') }}

),

business_hours as (

    select * from {{ ref('stg_config__business_hours') }}

),

holidays as (

    select * from {{ ref('stg_config__holidays') }}

),

bounds as (

    select
        {{ day_of('first_created_at') }} as first_date,
        {{ day_of('as_of_at') }} as last_date
    from ticket_bounds

),

numbers as (

    {{ integer_series(5) }}

),

days as (

    select cast({{ dbt.dateadd('day', 'numbers.n', 'bounds.first_date') }} as date) as local_date
    from bounds
    cross join numbers
    where numbers.n <= {{ dbt.datediff('bounds.first_date', 'bounds.last_date', 'day') }}

),

open_days as (

    select
        days.local_date,
        business_hours.opens_minute,
        business_hours.closes_minute
    from days
    inner join business_hours
        on {{ iso_weekday('days.local_date') }} = business_hours.iso_weekday
    left join holidays
        on days.local_date = holidays.holiday_date
    where holidays.holiday_date is null

),

intervals as (

    select
        local_date,
        {{ local_to_utc(dbt.dateadd('minute', 'opens_minute', 'cast(local_date as timestamp)')) }} as open_at,
        {{ local_to_utc(dbt.dateadd('minute', 'closes_minute', 'cast(local_date as timestamp)')) }} as close_at
    from open_days

),

measured as (

    select
        local_date,
        open_at,
        close_at,
        {{ microseconds_between('open_at', 'close_at') }} as interval_microseconds
    from intervals

),

day_totals as (

    select
        days.local_date,
        coalesce(sum(measured.interval_microseconds), 0) as day_microseconds
    from days
    left join measured
        on days.local_date = measured.local_date
    group by days.local_date

),

cumulative as (

    select
        local_date,
        coalesce(
            sum(day_microseconds) over (order by local_date rows between unbounded preceding and 1 preceding),
            0
        ) as business_microseconds_before_day
    from day_totals

),

final as (

    select
        cumulative.local_date,
        measured.open_at,
        measured.close_at,
        coalesce(measured.interval_microseconds, 0) as interval_microseconds,
        cast(cumulative.business_microseconds_before_day as bigint) as business_microseconds_before_day
    from cumulative
    left join measured
        on cumulative.local_date = measured.local_date

)

select * from final
