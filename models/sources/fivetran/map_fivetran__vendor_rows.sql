{#-
    Where every landed vendor row of the fivetran system went: one row per vendor table and
    outcome. mapped: it became one raw contract row (staging then classifies it, see
    stg_audit__row_counts); used: it fed a derivation (a reply, a status change, a product
    line, a metafield); ignored: nothing reads it, with the reason. landed_rows is counted
    apart from the outcomes, and is_reconciled says the outcomes add up to it.
-#}

with

tickets as (

    {{ vendor_rows('zendesk', 'ticket') }}

),

users as (

    {{ vendor_rows('zendesk', 'user') }}

),

comments as (

    {{ vendor_rows('zendesk', 'ticket_comment') }}

),

field_history as (

    {{ vendor_rows('zendesk', 'ticket_field_history') }}

),

groups as (

    {{ vendor_rows('zendesk', 'group') }}

),

satisfaction_ratings as (

    {{ vendor_rows('zendesk', 'satisfaction_rating') }}

),

customers as (

    {{ vendor_rows('shopify', 'customer') }}

),

orders as (

    {{ vendor_rows('shopify', 'order') }}

),

order_lines as (

    {{ vendor_rows('shopify', 'order_line') }}

),

products as (

    {{ vendor_rows('shopify', 'product') }}

),

variants as (

    {{ vendor_rows('shopify', 'product_variant') }}

),

metafields as (

    {{ vendor_rows('shopify', 'metafield') }}

),

ticket_ids as (

    select distinct trim(tickets.id) as ticket_id
    from tickets

),

used_products as (

    select distinct trim(variants.product_id) as product_id
    from variants

),

referenced_users as (

    select trim(tickets.requester_id) as user_id from tickets
    union
    select trim(comments.user_id) as user_id from comments

),

outcomes as (

    select
        'zendesk.ticket' as vendor_table,
        'mapped' as outcome,
        'map_zendesk__tickets' as detail
    from tickets

    union all

    select
        'zendesk.user' as vendor_table,
        case when referenced_users.user_id is not null then 'used' else 'ignored' end as outcome,
        case
            when referenced_users.user_id is not null then 'requester or comment author'
            else 'not referenced by any ticket or comment'
        end as detail
    from users
    left join referenced_users
        on trim(users.id) = referenced_users.user_id

    union all

    select
        'zendesk.ticket_comment' as vendor_table,
        case
            when
                ticket_ids.ticket_id is not null
                and not {{ vendor_flag('comments._fivetran_deleted') }}
                and {{ parse_timestamp(clean_text('comments.created')) }} is not null
                then 'used'
            else 'ignored'
        end as outcome,
        case
            when ticket_ids.ticket_id is null then 'ticket not in zendesk.ticket'
            when {{ vendor_flag('comments._fivetran_deleted') }} then 'deleted'
            when {{ parse_timestamp(clean_text('comments.created')) }} is null then 'created not a timestamp'
            else 'replies and first response'
        end as detail
    from comments
    left join ticket_ids
        on trim(comments.ticket_id) = ticket_ids.ticket_id

    union all

    select
        'zendesk.ticket_field_history' as vendor_table,
        case when lower(trim(field_history.field_name)) = 'status' then 'mapped' else 'ignored' end as outcome,
        case
            when lower(trim(field_history.field_name)) = 'status' then 'map_zendesk__ticket_status_changes'
            else 'not a status change'
        end as detail
    from field_history

    union all

    select
        'zendesk.group' as vendor_table,
        'ignored' as outcome,
        'no raw contract column' as detail
    from groups

    union all

    select
        'zendesk.satisfaction_rating' as vendor_table,
        'ignored' as outcome,
        'surveys come from raw_surveys (a good/bad rating is no 1-5 score)' as detail
    from satisfaction_ratings

    union all

    select
        'shopify.customer' as vendor_table,
        'mapped' as outcome,
        'map_shopify__customers' as detail
    from customers

    union all

    select
        'shopify.order' as vendor_table,
        'mapped' as outcome,
        'map_shopify__orders' as detail
    from orders

    union all

    select
        'shopify.order_line' as vendor_table,
        'mapped' as outcome,
        'map_shopify__order_items' as detail
    from order_lines

    union all

    select
        'shopify.product_variant' as vendor_table,
        'mapped' as outcome,
        'map_shopify__products' as detail
    from variants

    union all

    select
        'shopify.product' as vendor_table,
        case when used_products.product_id is not null then 'used' else 'ignored' end as outcome,
        case
            when used_products.product_id is not null then 'product line and title of its variants'
            else 'no variant'
        end as detail
    from products
    left join used_products
        on trim(products.id) = used_products.product_id

    union all

    select
        'shopify.metafield' as vendor_table,
        case
            when
                lower(trim(metafields.owner_resource)) = 'customer'
                and lower(trim(metafields.namespace)) || '.' || lower(trim(metafields.key)) in (
                    lower('{{ var("shopify_churned_at_metafield") }}'),
                    lower('{{ var("shopify_segment_metafield") }}')
                )
                then 'used'
            else 'ignored'
        end as outcome,
        case
            when
                lower(trim(metafields.owner_resource)) = 'customer'
                and lower(trim(metafields.namespace)) || '.' || lower(trim(metafields.key)) in (
                    lower('{{ var("shopify_churned_at_metafield") }}'),
                    lower('{{ var("shopify_segment_metafield") }}')
                )
                then 'churned_at or segment'
            else 'not a churned_at or segment metafield of a customer'
        end as detail
    from metafields

),

landed as (

    select
        'zendesk.ticket' as vendor_table,
        count(*) as landed_rows
    from tickets

    union all

    select
        'zendesk.user' as vendor_table,
        count(*) as landed_rows
    from users

    union all

    select
        'zendesk.ticket_comment' as vendor_table,
        count(*) as landed_rows
    from comments

    union all

    select
        'zendesk.ticket_field_history' as vendor_table,
        count(*) as landed_rows
    from field_history

    union all

    select
        'zendesk.group' as vendor_table,
        count(*) as landed_rows
    from groups

    union all

    select
        'zendesk.satisfaction_rating' as vendor_table,
        count(*) as landed_rows
    from satisfaction_ratings

    union all

    select
        'shopify.customer' as vendor_table,
        count(*) as landed_rows
    from customers

    union all

    select
        'shopify.order' as vendor_table,
        count(*) as landed_rows
    from orders

    union all

    select
        'shopify.order_line' as vendor_table,
        count(*) as landed_rows
    from order_lines

    union all

    select
        'shopify.product' as vendor_table,
        count(*) as landed_rows
    from products

    union all

    select
        'shopify.product_variant' as vendor_table,
        count(*) as landed_rows
    from variants

    union all

    select
        'shopify.metafield' as vendor_table,
        count(*) as landed_rows
    from metafields

),

counted as (

    select
        vendor_table,
        outcome,
        detail,
        count(*) as vendor_rows
    from outcomes
    group by vendor_table, outcome, detail

),

final as (

    select
        landed.vendor_table,
        counted.outcome,
        counted.detail,
        cast(coalesce(counted.vendor_rows, 0) as {{ dbt.type_bigint() }}) as vendor_rows,
        cast(landed.landed_rows as {{ dbt.type_bigint() }}) as landed_rows,
        landed.landed_rows = coalesce(
            sum(counted.vendor_rows) over (partition by landed.vendor_table), 0
        ) as is_reconciled
    from landed
    left join counted
        on landed.vendor_table = counted.vendor_table

)

select * from final
