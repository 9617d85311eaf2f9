-- SPEC C: repeat visits per month of contact start, over contacts with a customer.
with

contacts as (

    select * from {{ ref('fct_contacts') }}

),

months as (

    {{ period_series('month', ref('fct_contacts'), 'min(contact_start_at)', 'max(contact_start_at)') }}

),

customer_months as (

    select
        {{ month_of('contact_start_at') }} as month,
        customer_id,
        count(*) as contacts,
        sum(case when is_repeat_visit then 1 else 0 end) as repeat_contacts
    from contacts
    where has_customer
    group by 1, 2

),

monthly as (

    select
        month,
        sum(contacts) as contacts,
        sum(repeat_contacts) as repeat_contacts,
        count(*) as contacting_customers,
        sum(case when contacts >= 2 then 1 else 0 end) as repeat_customers
    from customer_months
    group by 1

),

final as (

    select
        months.period as month,
        cast(coalesce(monthly.contacts, 0) as bigint) as contacts,
        cast(coalesce(monthly.repeat_contacts, 0) as bigint) as repeat_contacts,
        {{ pct('monthly.repeat_contacts', 'monthly.contacts') }} as repeat_visit_rate,
        cast(coalesce(monthly.contacting_customers, 0) as bigint) as contacting_customers,
        cast(coalesce(monthly.repeat_customers, 0) as bigint) as repeat_customers
    from months
    left join monthly
        on months.period = monthly.month

)

select * from final
