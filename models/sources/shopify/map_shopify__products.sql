{#-
    Shopify product variants (Fivetran schema) -> raw_products (SPEC A), one row per variant
    row: a variant is what an order line sells, and a product's variants are its versions.
    product_line is the product's product_type, renamed by the seed shopify_product_lines
    when listed; tier comes from the variant title through the seed shopify_variant_tiers
    (Lite/Basic 1, Plus/Standard 2, Pro/Premium 3), else 1; list_price is the variant's price.
    A deleted variant or product -> _source_reason deleted_in_source.
-#}

with

variants as (

    {{ vendor_rows('shopify', 'product_variant') }}

),

products as (

    {{ vendor_rows('shopify', 'product') }}

),

product_lines as (

    select * from {{ ref('shopify_product_lines') }}

),

variant_tiers as (

    select * from {{ ref('shopify_variant_tiers') }}

),

final as (

    select
        trim(variants.id) as product_id,
        case
            when lower(trim(variants.title)) = 'default title' or nullif(trim(variants.title), '') is null
                then nullif(trim(products.title), '')
            else concat_ws(' / ', nullif(trim(products.title), ''), trim(variants.title))
        end as product_name,
        coalesce(product_lines.product_line, products.product_type) as product_line,
        coalesce(variant_tiers.tier, '1') as tier,
        variants.price as list_price,
        variants._raw_file,
        variants._raw_row,
        variants._is_malformed,
        case
            when
                {{ vendor_flag('variants._fivetran_deleted') }}
                or {{ vendor_flag('products._fivetran_deleted') }}
                then 'deleted_in_source'
        end as _source_reason
    from variants
    left join products
        on trim(variants.product_id) = trim(products.id)
    left join product_lines
        on lower(trim(products.product_type)) = lower(trim(product_lines.product_type))
    left join variant_tiers
        on lower(trim(variants.title)) = lower(trim(variant_tiers.variant_title))

)

select * from final
