-- One row per valid product: the catalogue with its line and tier (1-3, higher = pricier).
with

products as (

    select * from {{ ref('stg_shop__products') }}

),

final as (

    select
        product_id,
        product_name,
        product_line,
        tier,
        list_price
    from products

)

select * from final
