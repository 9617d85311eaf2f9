{#-
    Shopify customers (Fivetran schema) -> raw_customers (SPEC A), one row per customer row.
    signup_at is created_at; full_name joins first and last name. Shopify has no churn date
    nor segment: they come from the customer metafields named by the vars
    shopify_churned_at_metafield and shopify_segment_metafield (namespace.key, default
    cs_kpi.churned_at and cs_kpi.segment), else they are empty. The account state is not
    used: `disabled` is Shopify's default for a customer without a login, not a churn.
    Country is not mapped (it lives in the address tables). A deleted customer ->
    _source_reason deleted_in_source.
-#}

with

customers as (

    {{ vendor_rows('shopify', 'customer') }}

),

metafields as (

    {{ vendor_rows('shopify', 'metafield') }}

),

customer_metafields as (

    select
        trim(metafields.owner_id) as customer_id,
        lower(trim(metafields.namespace)) || '.' || lower(trim(metafields.key)) as metafield_name,
        metafields.value
    from metafields
    where lower(trim(metafields.owner_resource)) = 'customer'

),

customer_fields as (

    select
        customer_id,
        max(case when metafield_name = lower('{{ var("shopify_churned_at_metafield") }}') then value end)
            as churned_at,
        max(case when metafield_name = lower('{{ var("shopify_segment_metafield") }}') then value end)
            as segment
    from customer_metafields
    group by customer_id

),

final as (

    select
        trim(customers.id) as customer_id,
        nullif(trim(concat_ws(' ', trim(customers.first_name), trim(customers.last_name))), '') as full_name,
        customers.email,
        customers.phone,
        cast(null as {{ dbt.type_string() }}) as country,
        customer_fields.segment,
        customers.created_at as signup_at,
        customer_fields.churned_at,
        customers.updated_at,
        customers._raw_file,
        customers._raw_row,
        customers._is_malformed,
        case
            when {{ vendor_flag('customers._fivetran_deleted') }} then 'deleted_in_source'
        end as _source_reason
    from customers
    left join customer_fields
        on trim(customers.id) = customer_fields.customer_id

)

select * from final
