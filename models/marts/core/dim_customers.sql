{{ config(
    materialized='incremental',
    unique_key='customer_id',
    incremental_strategy=base_incremental_strategy(),
    on_schema_change='fail',
    pre_hook="{{ delete_touched_groups('customers') }}",
) }}
{#-
    One row per valid customer, without personal data, with its value to date: completed
    orders and revenue, first and last completed order, contacts and the category of the
    latest NPS answer (customer-lifetime-value view).
    Incremental by customer: a run recomputes the customers touched since the last run by
    their own row or by a new or changed contact, order, order item or survey answer
    (macros/marts/incremental_groups.sql, kind 'customers'), instead of rewriting every
    customer each run.
-#}
{%- set watermark = computed_watermark() -%}
{%- set recompute = recompute_all(change_feeds('customers'), watermark) %}
with

{% if not recompute -%}
touched_customers as (

    {{ touched_customer_ids(watermark) }}

),

{% endif -%}
customers as (

    select * from {{ ref('stg_shop__customers') }}
    {% if not recompute -%}
    where {{ in_touched_customers() }}
    {%- endif %}

),

orders as (

    select * from {{ ref('int_orders_valued') }}
    where
        is_completed
    {% if not recompute -%}
        and {{ in_touched_customers() }}
    {%- endif %}

),

contacts as (

    select * from {{ ref('fct_contacts') }}
    {% if not recompute -%}
    where {{ in_touched_customers() }}
    {%- endif %}

),

surveys as (

    select * from {{ ref('fct_survey_responses') }}
    where
        nps_score is not null
    {% if not recompute -%}
        and {{ in_touched_customers() }}
    {%- endif %}

),

order_summary as (

    select
        customer_id,
        count(*) as completed_orders,
        sum(revenue) as lifetime_revenue,
        min(ordered_at) as first_order_at,
        max(ordered_at) as last_order_at
    from orders
    group by customer_id

),

contact_summary as (

    select
        customer_id,
        count(*) as contacts,
        max(contact_start_at) as last_contact_at
    from contacts
    where customer_id is not null
    group by customer_id

),

latest_nps as (

    select
        customer_id,
        nps_category,
        row_number() over (
            partition by customer_id order by submitted_at desc, response_id desc
        ) as recency_rank
    from surveys
    where customer_id is not null

),

final as (

    select
        customers.customer_id,
        customers.email_hash,
        customers.country_code,
        customers.segment,
        customers.signup_at,
        customers.churned_at,
        customers.churned_at is not null as is_churned,
        -- active at the start of month M (SPEC C: signup_at < M_start and churned_at empty or
        -- >= M_start) exactly when first_active_month <= M and (last_active_month is NULL or
        -- M <= last_active_month); churn, support impact and the semantic layer read these two
        {{ next_month_start('customers.signup_at') }} as first_active_month,
        {{ month_of('customers.churned_at') }} as last_active_month,
        cast(coalesce(order_summary.completed_orders, 0) as bigint) as completed_orders,
        cast(coalesce(order_summary.lifetime_revenue, 0) as {{ type_double() }}) as lifetime_revenue,
        order_summary.first_order_at,
        order_summary.last_order_at,
        cast(coalesce(contact_summary.contacts, 0) as bigint) as contacts,
        contact_summary.last_contact_at,
        latest_nps.nps_category as latest_nps_category,
        customers.updated_at,
        {{ classified_at() }} as _computed_at
    from customers
    left join order_summary
        on customers.customer_id = order_summary.customer_id
    left join contact_summary
        on customers.customer_id = contact_summary.customer_id
    left join latest_nps
        on
            customers.customer_id = latest_nps.customer_id
            and latest_nps.recency_rank = 1

)

select * from final
