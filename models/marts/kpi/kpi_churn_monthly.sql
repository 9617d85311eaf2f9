{#-
    SPEC C: churn and retention, every month from the first signup month to the as-of month
    (the latest month of any valid timestamp in customers, tickets, calls, surveys, orders).
    Counted from monthly signups and churns with running totals, so the cost grows with
    customers + months, not customers x months:
    active_customers_start(M) = signups before M_start - churns before M_start
    (every churn follows its signup: churned_at >= signup_at is enforced in staging).
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

churns as (

    select
        {{ month_of('churned_at') }} as month,
        count(*) as churns,
        -- churned in M and active at M_start: signed up before M_start
        sum(case when {{ month_of('signup_at') }} < {{ month_of('churned_at') }} then 1 else 0 end) as churned_customers
    from customers
    where churned_at is not null
    group by 1

),

monthly as (

    select
        months.period as month,
        cast(coalesce(signups.new_customers, 0) as bigint) as new_customers,
        cast(coalesce(churns.churns, 0) as bigint) as churns,
        cast(coalesce(churns.churned_customers, 0) as bigint) as churned_customers
    from months
    left join signups
        on months.period = signups.month
    left join churns
        on months.period = churns.month

),

running as (

    select
        month,
        new_customers,
        churned_customers,
        -- signups and churns in months before this one (months start at the first signup,
        -- and no churn precedes its signup, so nothing earlier is missed)
        coalesce(sum(new_customers) over earlier_months, 0)
        - coalesce(sum(churns) over earlier_months, 0) as active_customers_start
    from monthly
    window earlier_months as (order by month rows between unbounded preceding and 1 preceding)

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
