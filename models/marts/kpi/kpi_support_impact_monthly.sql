{#-
    How support experience relates to business outcomes. One row per month M (the months of
    kpi_churn_monthly), segment_type and segment, over the customers active at M_start (as in
    kpi_churn_monthly: dim_customers.first_active_month <= M <= last_active_month):
    - segment_type 'latest_nps_category': the category of the customer's latest NPS answer
      submitted strictly before M_start (promoter / passive / detractor), else 'no_response';
    - segment_type 'last_contact_fcr': whether the customer's latest FCR-eligible contact
      started strictly before M_start was a first-contact resolution ('resolved_first_contact'
      / 'not_resolved_first_contact'), else 'no_eligible_contact'. The FCR flag is the final
      one (a follow-up within 7 days may fall after M_start).
    Outcomes in M: churned_customers (churned_at in M) and churn_rate; ordering_customers
    (a completed order in M) and order_rate_pct; repeat_ordering_customers (a repeat order in
    M) and repeat_order_rate_pct, each 100 * n / active_customers_start.
    Every segment appears in every month (0 customers gives NULL rates).

    Computed without a customers x months table, whose size would grow with customers times
    months. Each customer's segment is piecewise constant over months: an
    answer (or eligible contact) at time t decides the months M with M > t, i.e. from
    month_of(t) + 1 month until the month the next one takes over. These intervals come from
    int_customer_segments_dated (incremental by customer: the windows over every contact and
    answer run only for the customers touched since the last run). Clipped to the months the
    customer is active, they give active counts by adding +1 at an interval's first month and
    -1 after its last (a running sum per segment), and the segment of each churn or order
    month by a join on the customer and the interval.
-#}
with

months as (

    select month from {{ ref('kpi_churn_monthly') }}

),

customers as (

    select * from {{ ref('dim_customers') }}

),

segment_timelines as (

    select * from {{ ref('int_customer_segments_dated') }}

),

month_range as (

    select
        min(month) as first_month,
        max(month) as last_month
    from months

),

-- the months a customer is active at the start of (dim_customers.first_active_month and
-- last_active_month), clipped to the months of the mart
active_ranges as (

    select
        customers.customer_id,
        greatest(customers.first_active_month, month_range.first_month) as active_from_month,
        least(coalesce(customers.last_active_month, month_range.last_month), month_range.last_month)
            as active_to_month,
        customers.last_active_month as churn_month
    from customers
    cross join month_range

),

segment_intervals as (

    select
        customer_id,
        segment_type,
        segment,
        from_month,
        until_month
    from segment_timelines

),

first_starts as (

    select
        customer_id,
        segment_type,
        from_month as first_from_month
    from segment_timelines
    where is_first_segment

),

default_segments as (

    select
        'latest_nps_category' as segment_type,
        'no_response' as segment
    union all
    select
        'last_contact_fcr' as segment_type,
        'no_eligible_contact' as segment

),

-- before the first answer (eligible contact), or always without one
default_intervals as (

    select
        active_ranges.customer_id,
        default_segments.segment_type,
        default_segments.segment,
        cast(null as date) as from_month,
        first_starts.first_from_month as until_month
    from active_ranges
    cross join default_segments
    left join first_starts
        on
            active_ranges.customer_id = first_starts.customer_id
            and default_segments.segment_type = first_starts.segment_type

),

all_intervals as (

    select * from segment_intervals
    union all
    select * from default_intervals

),

-- each interval clipped to the customer's active months: [first_month, last_month]
clipped as (

    select
        all_intervals.customer_id,
        all_intervals.segment_type,
        all_intervals.segment,
        active_ranges.churn_month,
        greatest(coalesce(all_intervals.from_month, active_ranges.active_from_month), active_ranges.active_from_month)
            as first_month,
        case
            when all_intervals.until_month is null then active_ranges.active_to_month
            else least(
                cast({{ dbt.dateadd('month', -1, 'all_intervals.until_month') }} as date),
                active_ranges.active_to_month
            )
        end as last_month
    from all_intervals
    inner join active_ranges
        on all_intervals.customer_id = active_ranges.customer_id

),

active_intervals as (

    select * from clipped
    where first_month <= last_month

),

deltas as (

    select
        segment_type,
        segment,
        first_month as month,
        count(*) as delta
    from active_intervals
    group by 1, 2, 3
    union all
    select
        segment_type,
        segment,
        cast({{ dbt.dateadd('month', 1, 'last_month') }} as date) as month,
        -count(*) as delta
    from active_intervals
    group by 1, 2, 3

),

active_counts as (

    select
        months.month,
        deltas.segment_type,
        deltas.segment,
        sum(deltas.delta) as active_customers_start
    from months
    inner join deltas
        on months.month >= deltas.month
    group by 1, 2, 3

),

churn_counts as (

    select
        churn_month as month,
        segment_type,
        segment,
        count(*) as churned_customers
    from active_intervals
    where churn_month between first_month and last_month
    group by 1, 2, 3

),

monthly_orders as (

    select
        {{ month_of('ordered_at') }} as month,
        customer_id,
        max(case when is_repeat_order then 1 else 0 end) as has_repeat_order
    from {{ ref('fct_orders') }}
    where is_completed
    group by 1, 2

),

order_counts as (

    select
        monthly_orders.month,
        active_intervals.segment_type,
        active_intervals.segment,
        count(*) as ordering_customers,
        sum(monthly_orders.has_repeat_order) as repeat_ordering_customers
    from monthly_orders
    inner join active_intervals
        on
            monthly_orders.customer_id = active_intervals.customer_id
            and monthly_orders.month between active_intervals.first_month and active_intervals.last_month
    group by 1, 2, 3

),

segments as (

    select
        'latest_nps_category' as segment_type,
        'promoter' as segment
    union all
    select
        'latest_nps_category' as segment_type,
        'passive' as segment
    union all
    select
        'latest_nps_category' as segment_type,
        'detractor' as segment
    union all
    select
        'latest_nps_category' as segment_type,
        'no_response' as segment
    union all
    select
        'last_contact_fcr' as segment_type,
        'resolved_first_contact' as segment
    union all
    select
        'last_contact_fcr' as segment_type,
        'not_resolved_first_contact' as segment
    union all
    select
        'last_contact_fcr' as segment_type,
        'no_eligible_contact' as segment

),

aggregated as (

    select
        months.month,
        segments.segment_type,
        segments.segment,
        coalesce(active_counts.active_customers_start, 0) as active_customers_start,
        coalesce(churn_counts.churned_customers, 0) as churned_customers,
        coalesce(order_counts.ordering_customers, 0) as ordering_customers,
        coalesce(order_counts.repeat_ordering_customers, 0) as repeat_ordering_customers
    from months
    cross join segments
    left join active_counts
        on
            months.month = active_counts.month
            and segments.segment_type = active_counts.segment_type
            and segments.segment = active_counts.segment
    left join churn_counts
        on
            months.month = churn_counts.month
            and segments.segment_type = churn_counts.segment_type
            and segments.segment = churn_counts.segment
    left join order_counts
        on
            months.month = order_counts.month
            and segments.segment_type = order_counts.segment_type
            and segments.segment = order_counts.segment

),

final as (

    select
        month,
        segment_type,
        segment,
        cast(active_customers_start as bigint) as active_customers_start,
        cast(churned_customers as bigint) as churned_customers,
        {{ pct('churned_customers', 'active_customers_start') }} as churn_rate,
        cast(ordering_customers as bigint) as ordering_customers,
        {{ pct('ordering_customers', 'active_customers_start') }} as order_rate_pct,
        cast(repeat_ordering_customers as bigint) as repeat_ordering_customers,
        {{ pct('repeat_ordering_customers', 'active_customers_start') }}
            as repeat_order_rate_pct
    from aggregated

)

select * from final
