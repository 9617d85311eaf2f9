with

base as (

    select * from {{ ref('base_shop__orders') }}
    where row_status = 'valid'

),

final as (

    select
        order_id,
        customer_id,
        ordered_at,
        status,
        updated_at
    from base

)

select * from final
