with

base as (

    select * from {{ ref('base_shop__products') }}
    where row_status = 'valid'

),

final as (

    select
        product_id,
        product_name,
        product_line,
        cast(tier as integer) as tier,
        list_price
    from base

)

select * from final
