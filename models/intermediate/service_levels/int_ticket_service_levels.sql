{#-
    SPEC D, per valid ticket: business minutes to the first response and to the resolution,
    and the status of each service-level target of its priority (sla_policies).
    - clock(t): business microseconds from the start of the business calendar to t
      (macros/kpi/business_clock.sql); business time between t1 <= t2 is
      clock(t2) - clock(t1).
    - Elapsed time per target is business or calendar time as the policy says, compared with
      the target exactly, in integer microseconds.
    - The as-of instant is int_ticket_as_of.as_of_at (valid tickets' columns and, where
      supplied, the valid status changes).
    - First-response status, decided in this order (SPEC D v2.1): a response present:
      achieved when elapsed <= target, else breached; no response and the ticket resolved:
      the clock stops at resolved_at, breached when elapsed to it > target, else
      not_applicable; no response and unresolved: breached when elapsed to the as-of instant
      > target, else pending.
    - Resolution status: resolved: achieved when elapsed <= target, else breached;
      unresolved: breached when elapsed to the as-of instant > target, else pending. Only a
      resolved ticket (solved / closed) has a resolution; a reopened ticket without that
      status is unresolved. Both statuses are NULL for a ticket whose priority has no policy.
-#}
with

tickets as (

    select * from {{ ref('stg_helpdesk__tickets') }}

),

policies as (

    select * from {{ ref('stg_config__sla_policies') }}

),

intervals as (

    select * from {{ ref('int_business_intervals') }}

),

as_of as (

    select as_of_at from {{ ref('int_ticket_as_of') }}

),

points as (

    select
        ticket_id,
        'created' as point_kind,
        created_at as point_at
    from tickets
    union all
    select
        ticket_id,
        'first_response' as point_kind,
        first_response_at as point_at
    from tickets
    where first_response_at is not null
    union all
    select
        ticket_id,
        'resolved' as point_kind,
        resolved_at as point_at
    from tickets
    where is_resolved
    union all
    select
        cast(null as {{ dbt.type_string() }}) as ticket_id,
        'as_of' as point_kind,
        as_of_at as point_at
    from as_of

),

clock as (

    {{ business_clock('points', 'intervals', ['ticket_id', 'point_kind']) }}

),

ticket_clocks as (

    select
        ticket_id,
        max(case when point_kind = 'created' then clock_microseconds end) as created_clock,
        max(case when point_kind = 'first_response' then clock_microseconds end) as first_response_clock,
        max(case when point_kind = 'resolved' then clock_microseconds end) as resolved_clock
    from clock
    where ticket_id is not null
    group by ticket_id

),

as_of_clock as (

    select max(clock_microseconds) as as_of_clock
    from clock
    where point_kind = 'as_of'

),

elapsed as (

    select
        tickets.ticket_id,
        policies.priority is not null as has_sla_target,
        tickets.first_response_at is not null as has_first_response,
        tickets.is_resolved,
        ticket_clocks.first_response_clock - ticket_clocks.created_clock as first_response_business_microseconds,
        ticket_clocks.resolved_clock - ticket_clocks.created_clock as resolution_business_microseconds,
        policies.first_response_target_minutes * 60000000 as first_response_target_microseconds,
        policies.resolution_target_minutes * 60000000 as resolution_target_microseconds,
        case
            when policies.is_business_hours then ticket_clocks.first_response_clock - ticket_clocks.created_clock
            else {{ microseconds_between('tickets.created_at', 'tickets.first_response_at') }}
        end as first_response_elapsed_microseconds,
        case
            when policies.is_business_hours then ticket_clocks.resolved_clock - ticket_clocks.created_clock
            else {{ microseconds_between('tickets.created_at', 'tickets.resolved_at') }}
        end as resolution_elapsed_microseconds,
        case
            when policies.is_business_hours then as_of_clock.as_of_clock - ticket_clocks.created_clock
            else {{ microseconds_between('tickets.created_at', 'as_of.as_of_at') }}
        end as as_of_elapsed_microseconds
    from tickets
    inner join ticket_clocks
        on tickets.ticket_id = ticket_clocks.ticket_id
    cross join as_of
    cross join as_of_clock
    left join policies
        on tickets.priority = policies.priority

),

final as (

    select
        ticket_id,
        has_sla_target,
        cast(first_response_business_microseconds as {{ type_double() }}) / 60000000.0
            as first_response_business_minutes,
        case
            when is_resolved then cast(resolution_business_microseconds as {{ type_double() }}) / 60000000.0
        end as resolution_business_minutes,
        case
            when not has_sla_target then null
            when has_first_response and first_response_elapsed_microseconds <= first_response_target_microseconds
                then 'achieved'
            when has_first_response then 'breached'
            when is_resolved and resolution_elapsed_microseconds > first_response_target_microseconds
                then 'breached'
            when is_resolved then 'not_applicable'
            when as_of_elapsed_microseconds > first_response_target_microseconds then 'breached'
            else 'pending'
        end as sla_first_response_status,
        case
            when not has_sla_target then null
            when is_resolved and resolution_elapsed_microseconds <= resolution_target_microseconds then 'achieved'
            when is_resolved then 'breached'
            when as_of_elapsed_microseconds > resolution_target_microseconds then 'breached'
            else 'pending'
        end as sla_resolution_status
    from elapsed

)

select * from final
