{#-
    Shopify order lines (Fivetran schema) -> raw_order_items (SPEC A), one row per line row.
    The product is the variant sold (variant_id: products are variants, see
    map_shopify__products); line_number is the line's index, else its rank by line id in
    the order; unit_price is the line's price.
-#}

with

order_lines as (

    {{ vendor_rows('shopify', 'order_line') }}

),

final as (

    select
        trim(order_lines.order_id) as order_id,
        coalesce(
            nullif(trim(order_lines.index), ''),
            cast(row_number() over (
                partition by trim(order_lines.order_id) order by trim(order_lines.id)
            ) as {{ dbt.type_string() }})
        ) as line_number,
        nullif(trim(order_lines.variant_id), '') as product_id,
        order_lines.quantity,
        order_lines.price as unit_price,
        order_lines._raw_file,
        order_lines._raw_row,
        order_lines._is_malformed,
        cast(null as {{ dbt.type_string() }}) as _source_reason
    from order_lines

)

select * from final
