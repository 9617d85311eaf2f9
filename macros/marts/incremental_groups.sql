{#-
    Incremental models whose flags look across a customer's rows: contacts (follow-ups and
    repeat visits), orders (repeat orders) and order items (cross-sell and upsell).

    Such a row can change without its own source row changing: a late contact makes an
    earlier contact "followed up", a late order makes a later one a repeat. So an incremental
    run recomputes every row of each customer touched since the model's watermark:
    - changed keys: source keys whose staging base rows were (re)classified after the
      watermark (the base models' change stamp, _classified_at);
    - touched customers: every customer that any version of a changed key names. The base
      models keep every version of a key, so this holds both the customer a row now belongs
      to and the one it left;
    - the pre-hook (delete_touched_groups) deletes the rows of touched customers and of
      changed keys; the model inserts the current rows of the same customers and keys.
    Rows carry _computed_at, the start of the run that (re)computed them; its maximum is the
    watermark. When a base model was reloaded since the watermark (every base row is newer:
    a raw file was replaced or the input switched), every row is recomputed.
    The watermark is read once per rendering (the model reads it when it is compiled, before
    the pre-hook deletes anything; the pre-hook reads it once more, before its delete, from the
    same unmodified table) and passed to the macros below: 17 statements per model and run
    instead of 35 (counted in dbt.log).
-#}

{#- Newest _computed_at of this model as a SQL literal (1900-01-01 when empty or not incremental). -#}
{% macro computed_watermark() -%}
    {{ return(fact_watermark('_computed_at')) }}
{%- endmacro %}


{#- True when this run must recompute every row: first build, full refresh, or a base model
    reloaded since the watermark. -#}
{% macro recompute_all(base_models, watermark) -%}
    {%- if not (execute and is_incremental()) -%}
        {{ return(true) }}
    {%- endif -%}
    {%- set checks = [] -%}
    {%- for base_model in base_models -%}
        {%- do checks.append(
            "coalesce((select min(_classified_at) from " ~ ref(base_model) ~ ") > "
            ~ watermark ~ ", true)") -%}
    {%- endfor -%}
    {%- set reloaded = run_query("select " ~ checks | join(" or ")).columns[0].values()[0] -%}
    {{ return(reloaded) }}
{%- endmacro %}


{#- Contacts: changed contact ids and the customers they touch. -#}
{% macro changed_contact_ids(watermark) -%}
    select 'ticket-' || ticket_id as contact_id
    from {{ ref('base_helpdesk__tickets') }}
    where _classified_at > {{ watermark }}
    union all
    select 'call-' || call_id as contact_id
    from {{ ref('base_phone__calls') }}
    where _classified_at > {{ watermark }}
{%- endmacro %}

{#- Every customer any version of a key of `base_model` names, for keys re-classified after
    the watermark. -#}
{% macro customers_of_changed_keys(base_model, key, watermark) -%}
    select key_versions.customer_id
    from {{ ref(base_model) }} as key_versions
    where
        key_versions.customer_id is not null
        and key_versions.{{ key }} in (
            select changed.{{ key }} from {{ ref(base_model) }} as changed
            where changed._classified_at > {{ watermark }}
        )
{%- endmacro %}

{% macro touched_contact_customers(watermark) -%}
    {{ customers_of_changed_keys('base_helpdesk__tickets', 'ticket_id', watermark) }}
    union
    {{ customers_of_changed_keys('base_phone__calls', 'call_id', watermark) }}
{%- endmacro %}

{#- Where-clause: the contact rows an incremental run recomputes. -#}
{% macro touched_contacts_filter(watermark) -%}
    customer_id in ({{ touched_contact_customers(watermark) }})
    or contact_id in ({{ changed_contact_ids(watermark) }})
{%- endmacro %}

{% macro contact_base_models() -%}
    {{ return(['base_helpdesk__tickets', 'base_phone__calls']) }}
{%- endmacro %}


{#- Orders: an order changes with its own row or any of its items (an item is re-classified
    when its product is). -#}
{% macro changed_order_ids(watermark) -%}
    select order_id
    from {{ ref('base_shop__orders') }}
    where _classified_at > {{ watermark }}
    union
    select order_id
    from {{ ref('base_shop__order_items') }}
    where _classified_at > {{ watermark }}
{%- endmacro %}

{% macro touched_order_customers(watermark) -%}
    select order_versions.customer_id
    from {{ ref('base_shop__orders') }} as order_versions
    where
        order_versions.customer_id is not null
        and order_versions.order_id in ({{ changed_order_ids(watermark) }})
{%- endmacro %}

{#- Where-clause: the order (or order item) rows an incremental run recomputes. -#}
{% macro touched_orders_filter(watermark) -%}
    customer_id in ({{ touched_order_customers(watermark) }})
    or order_id in ({{ changed_order_ids(watermark) }})
{%- endmacro %}

{% macro order_base_models() -%}
    {{ return(['base_shop__orders', 'base_shop__order_items']) }}
{%- endmacro %}


{#- Where-clause of the rows a run recomputes, for kind 'contacts' or 'orders'. -#}
{% macro touched_groups_filter(kind, watermark) -%}
    {%- if kind == 'contacts' -%}
        {{ touched_contacts_filter(watermark) }}
    {%- elif kind == 'orders' -%}
        {{ touched_orders_filter(watermark) }}
    {%- else -%}
        {{ exceptions.raise_compiler_error("touched_groups_filter: kind must be contacts or orders, got " ~ kind) }}
    {%- endif -%}
{%- endmacro %}

{% macro group_base_models(kind) -%}
    {{ return(contact_base_models() if kind == 'contacts' else order_base_models()) }}
{%- endmacro %}


{#- Pre-hook: delete what the run recomputes (everything when recompute_all). -#}
{% macro delete_touched_groups(kind) -%}
    {%- if execute and is_incremental() -%}
        {%- set watermark = computed_watermark() -%}
        {%- if recompute_all(group_base_models(kind), watermark) -%}
            delete from {{ this }}
        {%- else -%}
            delete from {{ this }}
            where {{ touched_groups_filter(kind, watermark) }}
        {%- endif -%}
    {%- else -%}
        select 1 as nothing_to_delete
    {%- endif -%}
{%- endmacro %}
