with

base as (

    select * from {{ ref('base_shop__customers') }}
    where row_status = 'valid'

),

final as (

    select
        customer_id,
        email_hash,
        phone_hash,
        country_code,
        segment,
        signup_at,
        churned_at,
        updated_at
    from base

)

select * from final
