{#-
    Incremental models whose flags look across a customer's rows: contacts (follow-ups and
    repeat visits), orders (repeat orders), order items (cross-sell and upsell), the
    customers' NPS / FCR segment timelines (int_customer_segments_dated) and the customers'
    value to date (dim_customers).

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


{#- The base models (change feeds) of a kind as relations. A model calls this at its top,
    `{%- set feeds = change_feeds('orders') -%}`: the ref() calls run when dbt parses the
    model, so the model depends on every base model its incremental branch reads. -#}
{% macro change_feeds(kind) -%}
    {%- set relations = [] -%}
    {%- for base_model in group_base_models(kind) -%}
        {%- do relations.append(ref(base_model)) -%}
    {%- endfor -%}
    {{ return(relations) }}
{%- endmacro %}


{#- True when this run must recompute every row: first build, full refresh, or a base model
    (a name or a relation of change_feeds) reloaded since the watermark. -#}
{% macro recompute_all(base_models, watermark) -%}
    {%- if not (execute and is_incremental()) -%}
        {{ return(true) }}
    {%- endif -%}
    {%- set checks = [] -%}
    {%- for base_model in base_models -%}
        {%- do checks.append(
            "coalesce((select min(_classified_at) from " ~ change_feed_relation(base_model) ~ ") > "
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
    the watermark. A base model re-classifies and re-stamps every stored version of a key it
    touches (macros/staging/incremental_base.sql, step 2), so the rows stamped after the
    watermark are all versions of the changed keys: no join back to the key is needed (such a
    semi-join would scan every stored version of every key on each run). Rows
    without a key are re-stamped alone; their customers are recomputed too, which is harmless.
-#}
{% macro customers_of_changed_keys(base_model, watermark) -%}
    select changed_rows.customer_id
    from {{ ref(base_model) }} as changed_rows
    where
        changed_rows._classified_at > {{ watermark }}
        and changed_rows.customer_id is not null
{%- endmacro %}

{% macro touched_contact_customers(watermark) -%}
    {{ customers_of_changed_keys('base_helpdesk__tickets', watermark) }}
    union
    {{ customers_of_changed_keys('base_phone__calls', watermark) }}
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
    {{ customers_of_changed_keys('base_shop__orders', watermark) }}
    union
    select order_versions.customer_id
    from {{ ref('base_shop__orders') }} as order_versions
    where
        order_versions.customer_id is not null
        and order_versions.order_id in (
            select changed_items.order_id from {{ ref('base_shop__order_items') }} as changed_items
            where changed_items._classified_at > {{ watermark }}
        )
{%- endmacro %}

{#- Where-clause: the order (or order item) rows an incremental run recomputes. -#}
{% macro touched_orders_filter(watermark) -%}
    customer_id in ({{ touched_order_customers(watermark) }})
    or order_id in ({{ changed_order_ids(watermark) }})
{%- endmacro %}

{% macro order_base_models() -%}
    {{ return(['base_shop__orders', 'base_shop__order_items']) }}
{%- endmacro %}


{#- Customer segments (int_customer_segments_dated): a customer's NPS and FCR segment
    timeline changes with any of its contacts (their FCR flags) or survey answers. -#}
{% macro touched_segment_customers(watermark) -%}
    {{ touched_contact_customers(watermark) }}
    union
    {{ customers_of_changed_keys('base_survey__responses', watermark) }}
{%- endmacro %}

{#- Where-clause: the segment rows an incremental run recomputes (whole customers). -#}
{% macro touched_segments_filter(watermark) -%}
    customer_id in ({{ touched_segment_customers(watermark) }})
{%- endmacro %}

{% macro segment_base_models() -%}
    {{ return(contact_base_models() + ['base_survey__responses']) }}
{%- endmacro %}


{#- Customers (dim_customers): a customer's row changes with its own staging row and with any
    of its contacts, orders (and their items) or survey answers. -#}
{% macro touched_customer_ids(watermark) -%}
    select customer_id
    from {{ ref('base_shop__customers') }}
    where _classified_at > {{ watermark }}
    union
    {{ touched_segment_customers(watermark) }}
    union
    {{ touched_order_customers(watermark) }}
{%- endmacro %}

{% macro touched_customers_filter(watermark) -%}
    customer_id in ({{ touched_customer_ids(watermark) }})
{%- endmacro %}

{% macro customer_base_models() -%}
    {{ return(['base_shop__customers'] + segment_base_models() + order_base_models()) }}
{%- endmacro %}


{#- Where-clause of the rows a run recomputes, for kind 'contacts', 'orders', 'segments' or
    'customers'. -#}
{% macro touched_groups_filter(kind, watermark) -%}
    {%- if kind == 'contacts' -%}
        {{ touched_contacts_filter(watermark) }}
    {%- elif kind == 'orders' -%}
        {{ touched_orders_filter(watermark) }}
    {%- elif kind == 'segments' -%}
        {{ touched_segments_filter(watermark) }}
    {%- elif kind == 'customers' -%}
        {{ touched_customers_filter(watermark) }}
    {%- else -%}
        {{ exceptions.raise_compiler_error("touched_groups_filter: kind must be contacts, orders, segments or customers, got " ~ kind) }}
    {%- endif -%}
{%- endmacro %}

{% macro group_base_models(kind) -%}
    {%- set base_models = {
        'contacts': contact_base_models(),
        'orders': order_base_models(),
        'segments': segment_base_models(),
        'customers': customer_base_models(),
    } -%}
    {%- if kind not in base_models -%}
        {{ exceptions.raise_compiler_error("group_base_models: unknown kind " ~ kind) }}
    {%- endif -%}
    {{ return(base_models[kind]) }}
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


{#- Where-condition of an incremental customer-scoped model's input: only the customers of
    its CTE touched_customers. -#}
{% macro in_touched_customers() -%}
    customer_id in (select touched_customers.customer_id from touched_customers)
{%- endmacro %}
