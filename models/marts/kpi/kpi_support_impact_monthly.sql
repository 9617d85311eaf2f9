{#-
    How support experience relates to business outcomes. One row per month M (the months of
    kpi_churn_monthly), segment_type and segment, over the customers active at M_start (as in
    kpi_churn_monthly: signed up before M_start, not churned before M_start):
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
-#}
with

months as (

    select month from {{ ref('kpi_churn_monthly') }}

),

customers as (

    select * from {{ ref('dim_customers') }}

),

month_bounds as (

    select
        month,
        cast({{ dbt.dateadd('month', 1, 'month') }} as date) as next_month
    from months

),

active_customer_months as (

    select
        month_bounds.month,
        month_bounds.next_month,
        customers.customer_id,
        coalesce(
            customers.churned_at >= month_bounds.month and customers.churned_at < month_bounds.next_month,
            false
        ) as has_churned_in_month
    from month_bounds
    inner join customers
        on
            month_bounds.month > customers.signup_at
            and (customers.churned_at is null or month_bounds.month <= customers.churned_at)

),

nps_timeline as (

    select
        customer_id,
        nps_category,
        submitted_at,
        lead(submitted_at) over (
            partition by customer_id order by submitted_at, response_id
        ) as next_submitted_at
    from {{ ref('fct_survey_responses') }}
    where
        customer_id is not null
        and nps_category is not null

),

fcr_timeline as (

    select
        customer_id,
        is_first_contact_resolution,
        contact_start_at,
        lead(contact_start_at) over (
            partition by customer_id order by contact_start_at, contact_id
        ) as next_contact_start_at
    from {{ ref('fct_contacts') }}
    where is_fcr_eligible

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

segmented as (

    select
        active.month,
        active.customer_id,
        active.has_churned_in_month,
        coalesce(nps_timeline.nps_category, 'no_response') as nps_segment,
        case
            when fcr_timeline.is_first_contact_resolution then 'resolved_first_contact'
            when fcr_timeline.customer_id is not null then 'not_resolved_first_contact'
            else 'no_eligible_contact'
        end as fcr_segment,
        monthly_orders.customer_id is not null as has_ordered,
        coalesce(monthly_orders.has_repeat_order = 1, false) as has_repeat_ordered
    from active_customer_months as active
    left join nps_timeline
        on
            active.customer_id = nps_timeline.customer_id
            and active.month > nps_timeline.submitted_at
            and (nps_timeline.next_submitted_at is null or active.month <= nps_timeline.next_submitted_at)
    left join fcr_timeline
        on
            active.customer_id = fcr_timeline.customer_id
            and active.month > fcr_timeline.contact_start_at
            and (fcr_timeline.next_contact_start_at is null or active.month <= fcr_timeline.next_contact_start_at)
    left join monthly_orders
        on
            active.customer_id = monthly_orders.customer_id
            and active.month = monthly_orders.month

),

unpivoted as (

    select
        month,
        'latest_nps_category' as segment_type,
        nps_segment as segment,
        has_churned_in_month,
        has_ordered,
        has_repeat_ordered
    from segmented
    union all
    select
        month,
        'last_contact_fcr' as segment_type,
        fcr_segment as segment,
        has_churned_in_month,
        has_ordered,
        has_repeat_ordered
    from segmented

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
        month,
        segment_type,
        segment,
        count(*) as active_customers_start,
        sum(case when has_churned_in_month then 1 else 0 end) as churned_customers,
        sum(case when has_ordered then 1 else 0 end) as ordering_customers,
        sum(case when has_repeat_ordered then 1 else 0 end) as repeat_ordering_customers
    from unpivoted
    group by 1, 2, 3

),

final as (

    select
        months.month,
        segments.segment_type,
        segments.segment,
        cast(coalesce(aggregated.active_customers_start, 0) as bigint) as active_customers_start,
        cast(coalesce(aggregated.churned_customers, 0) as bigint) as churned_customers,
        {{ pct('aggregated.churned_customers', 'aggregated.active_customers_start') }} as churn_rate,
        cast(coalesce(aggregated.ordering_customers, 0) as bigint) as ordering_customers,
        {{ pct('aggregated.ordering_customers', 'aggregated.active_customers_start') }} as order_rate_pct,
        cast(coalesce(aggregated.repeat_ordering_customers, 0) as bigint) as repeat_ordering_customers,
        {{ pct('aggregated.repeat_ordering_customers', 'aggregated.active_customers_start') }}
            as repeat_order_rate_pct
    from months
    cross join segments
    left join aggregated
        on
            months.month = aggregated.month
            and segments.segment_type = aggregated.segment_type
            and segments.segment = aggregated.segment

)

select * from final
