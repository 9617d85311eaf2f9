-- SPEC B.4: full_name, email and phone never leave staging in clear text.
-- Fails for (1) any column named like personal data in a schema other than staging and the raw inputs
-- (seeds, raw tables, vendor tables and their mappings), and
-- (2) any raw e-mail or phone that appears in clear text in the customer staging model.
with

personal_columns as (

    select table_schema || '.' || table_name || '.' || column_name as finding
    from ({{ catalog_columns() }}) as catalog_columns
    where
        table_schema not in (
            'seeds', 'staging', '{{ var("raw_schema") }}', 'information_schema', 'pg_catalog',
            -- vendor tables and their mapping to the raw contract (raw_input: fivetran)
            'mapped', '{{ var("zendesk_schema") }}', '{{ var("shopify_schema") }}'
        )
        and lower(column_name) in ('full_name', 'email', 'phone', 'agent_name', 'comment')

),

clear_text_values as (

    select 'stg_shop__customers holds a clear-text e-mail or phone: ' || customers.customer_id as finding
    from {{ ref('stg_shop__customers') }} as customers
    inner join {{ raw_relation('customers') }} as raw_customers
        on customers.customer_id = trim(raw_customers.customer_id)
    where
        customers.email_hash = trim(raw_customers.email)
        or customers.phone_hash = trim(raw_customers.phone)
        or customers.email_hash = lower(trim(raw_customers.email))

)

select * from personal_columns
union all
select * from clear_text_values
