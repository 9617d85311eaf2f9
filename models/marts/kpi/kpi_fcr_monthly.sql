-- SPEC C: first-contact resolution per month of contact start.
with

contacts as (

    select * from {{ ref('fct_contacts') }}

),

months as (

    {{ period_series('month', ref('fct_contacts'), 'min(contact_start_at)', 'max(contact_start_at)') }}

),

monthly as (

    select
        {{ month_of('contact_start_at') }} as month,
        sum(case when is_fcr_eligible then 1 else 0 end) as eligible_contacts,
        sum(case when is_first_contact_resolution then 1 else 0 end) as fcr_contacts
    from contacts
    group by 1

),

final as (

    select
        months.period as month,
        cast(coalesce(monthly.eligible_contacts, 0) as bigint) as eligible_contacts,
        cast(coalesce(monthly.fcr_contacts, 0) as bigint) as fcr_contacts,
        {{ pct('monthly.fcr_contacts', 'monthly.eligible_contacts') }} as fcr_rate
    from months
    left join monthly
        on months.period = monthly.month

)

select * from final
