{#-
    Incremental per-key facts, fed by the staging base models' change stamp.

    A fact keeps each row's source `_classified_at`. On an incremental run, the keys whose
    base rows were (re)classified after the newest stamp the fact holds are "changed": the
    pre-hook deletes them (a key may have become invalid) together with keys that no longer
    exist in the base model at all (a raw file was replaced or the input switched), and the
    model inserts the current valid rows of the changed keys. The watermark is read once,
    when the model is compiled, before the pre-hook deletes anything.
    Only for facts whose rows depend on their own key alone; models with flags that look at
    other rows of the customer (contacts, orders, order items) recompute whole customers
    (macros/marts/incremental_groups.sql).
-#}

{% macro fact_watermark(column='_classified_at') -%}
    {#- In a dbt unit test `this` is the fixture (a CTE name, not a table): the watermark is a
        subquery on it, so the incremental branch can be unit tested. -#}
    {%- if execute and is_incremental() and this is string -%}
        {{ return("(select coalesce(max(" ~ column ~ "), cast('1900-01-01' as timestamp)) from " ~ this ~ ")") }}
    {%- endif -%}
    {#- A table built before the column existed has no watermark: everything counts as changed,
        and dbt's on_schema_change check then asks for --full-refresh. -#}
    {%- if execute and is_incremental()
        and column in (adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list) -%}
        {%- set newest = run_query('select max(' ~ column ~ ') from ' ~ this).columns[0].values()[0] -%}
        {%- if newest is not none -%}
            {{ return("cast('" ~ newest ~ "' as timestamp)") }}
        {%- endif -%}
    {%- endif -%}
    {{ return("cast('1900-01-01' as timestamp)") }}
{%- endmacro %}

{#- A base model given by name or as the relation a model's ref() returned. -#}
{% macro change_feed_relation(base_model) -%}
    {{ return(ref(base_model) if base_model is string else base_model) }}
{%- endmacro %}

{#- Select body: the keys of `base_model` (its name, or the relation of the model's
    `ref()`) re-classified after the fact's watermark. -#}
{% macro changed_keys(base_model, key) -%}
    select {{ key }}
    from {{ change_feed_relation(base_model) }}
    where _classified_at > {{ fact_watermark() }}
{%- endmacro %}

{#- Pre-hook of an incremental fact. -#}
{% macro delete_changed_keys(base_model, key) -%}
    {%- if execute and is_incremental() -%}
        delete from {{ this }}
        where
            {{ key }} in ({{ changed_keys(base_model, key) }})
            or not exists (
                select 1 from {{ change_feed_relation(base_model) }} as base_rows
                where base_rows.{{ key }} = {{ this }}.{{ key }}
            )
    {%- else -%}
        select 1 as nothing_to_delete
    {%- endif -%}
{%- endmacro %}
