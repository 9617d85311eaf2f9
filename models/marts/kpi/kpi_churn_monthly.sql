{#-
    SPEC C: churn and retention, every month from the first signup month to the as-of month
    (the latest month of any valid timestamp in customers, tickets, calls, surveys, orders).
    "Active at M_start" is dim_customers.first_active_month <= M <= last_active_month (NULL:
    no end). Counted with running totals, so the cost grows with customers + months, not
    customers x months:
    active_customers_start(M) = customers whose first_active_month <= M
                                - customers whose last active month is before M
    (only customers with an active month count: a churn in the signup month is none).
-#}
with

customers as (

    select * from {{ ref('dim_customers') }}

),

as_of as (

    select max(last_at) as as_of_at
    from (
        select max({{ greatest_ts(['signup_at', 'churned_at', 'updated_at']) }}) as last_at from customers
        union all
        select max({{ greatest_ts(['created_at', 'first_response_at', 'resolved_at', 'updated_at']) }})
        from {{ ref('fct_tickets') }}
        union all
        select max({{ greatest_ts(['started_at', 'answered_at', 'ended_at']) }}) from {{ ref('fct_calls') }}
        union all
        select max(submitted_at) from {{ ref('fct_survey_responses') }}
        union all
        select max({{ greatest_ts(['ordered_at', 'updated_at']) }}) from {{ ref('fct_orders') }}
    ) as table_bounds

),

bounds as (

    select
        (select min(customers.signup_at) from customers) as first_at,
        as_of.as_of_at as last_at
    from as_of

),

months as (

    {{ period_series('month', 'bounds', 'first_at', 'last_at') }}

),

signups as (

    select
        {{ month_of('signup_at') }} as month,
        count(*) as new_customers
    from customers
    group by 1

),

ever_active as (

    select
        first_active_month,
        last_active_month
    from customers
    where
        last_active_month is null
        or last_active_month >= first_active_month

),

activations as (

    select
        first_active_month as month,
        count(*) as activated_customers
    from ever_active
    group by 1

),

-- churned in M and active at M_start: M is the customer's last active month
churns as (

    select
        last_active_month as month,
        count(*) as churned_customers
    from ever_active
    where last_active_month is not null
    group by 1

),

monthly as (

    select
        months.period as month,
        cast(coalesce(signups.new_customers, 0) as bigint) as new_customers,
        cast(coalesce(activations.activated_customers, 0) as bigint) as activated_customers,
        cast(coalesce(churns.churned_customers, 0) as bigint) as churned_customers
    from months
    left join signups
        on months.period = signups.month
    left join activations
        on months.period = activations.month
    left join churns
        on months.period = churns.month

),

running as (

    select
        month,
        new_customers,
        churned_customers,
        -- activations up to this month less churns before it (months start at the first
        -- signup month, before any first_active_month, so nothing earlier is missed)
        coalesce(sum(activated_customers) over months_to_date, 0)
        - coalesce(sum(churned_customers) over earlier_months, 0) as active_customers_start
    from monthly
    window
        months_to_date as (order by month rows between unbounded preceding and current row),
        earlier_months as (order by month rows between unbounded preceding and 1 preceding)

),

final as (

    select
        month,
        cast(active_customers_start as bigint) as active_customers_start,
        new_customers,
        churned_customers,
        {{ pct('churned_customers', 'active_customers_start') }} as churn_rate,
        100.0 - {{ pct('churned_customers', 'active_customers_start') }} as retention_rate
    from running

)

select * from final
