{#-
    One row per day from the first to the last day holding any valid timestamp of customers,
    tickets, ticket status changes, calls, surveys, orders or agent shifts (agents' hired_at is left out: it may lie
    years back). Built portably from an integer series (up to 10^6 days), no date functions
    specific to one engine.
-#}
{#- The series holds 10^6 days; valid timestamps (SPEC B.2) must fit, or the calendar would be
    cut short silently. With the default bounds (1970 to 2100) they span 47,482 days. -#}
{%- set calendar_days = 10 ** 6 -%}
{%- set bound_span = (
    modules.datetime.datetime.fromisoformat(var('max_valid_timestamp'))
    - modules.datetime.datetime.fromisoformat(var('min_valid_timestamp'))).days + 1 -%}
{%- if bound_span > calendar_days -%}
    {{ exceptions.raise_compiler_error(
        "vars min_valid_timestamp .. max_valid_timestamp span " ~ bound_span ~ " days; the calendar holds "
        ~ calendar_days ~ " days (dim_calendar): narrow the bounds") }}
{%- endif %}
with

bounds as (

    select
        min(first_at) as first_at,
        max(last_at) as last_at
    from (
        select
            min(signup_at) as first_at,
            max({{ greatest_ts(['signup_at', 'churned_at', 'updated_at']) }}) as last_at
        from {{ ref('stg_shop__customers') }}
        union all
        select
            min(created_at) as first_at,
            max({{ greatest_ts(['created_at', 'first_response_at', 'resolved_at', 'updated_at']) }}) as last_at
        from {{ ref('stg_helpdesk__tickets') }}
        union all
        select
            min(changed_at) as first_at,
            max(changed_at) as last_at
        from {{ ref('stg_helpdesk__ticket_status_changes') }}
        union all
        select
            min(started_at) as first_at,
            max({{ greatest_ts(['started_at', 'answered_at', 'ended_at']) }}) as last_at
        from {{ ref('stg_phone__calls') }}
        union all
        select
            min(submitted_at) as first_at,
            max(submitted_at) as last_at
        from {{ ref('stg_survey__responses') }}
        union all
        select
            min(ordered_at) as first_at,
            max({{ greatest_ts(['ordered_at', 'updated_at']) }}) as last_at
        from {{ ref('stg_shop__orders') }}
        union all
        select
            min(shift_start_at) as first_at,
            max(shift_end_at) as last_at
        from {{ ref('stg_workforce__agent_shifts') }}
    ) as table_bounds

),

numbers as (

    {{ integer_series(6) }}

),

days as (

    select
        cast({{ dbt.dateadd('day', 'numbers.n', day_of('bounds.first_at')) }} as date) as date_day
    from bounds
    cross join numbers
    where numbers.n <= {{ dbt.datediff(day_of('bounds.first_at'), day_of('bounds.last_at'), 'day') }}

),

final as (

    select
        date_day,
        {{ month_of_date('date_day') }} as month_start_date,
        cast(extract(year from date_day) as integer) as year_number,
        cast(extract(month from date_day) as integer) as month_number,
        cast(extract(day from date_day) as integer) as day_of_month,
        date_day = {{ month_of_date('date_day') }} as is_first_day_of_month
    from days

)

select * from final
