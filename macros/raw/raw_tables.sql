{#-
    The raw tables of SPEC parts A and E, one entry each: the dbt source that declares it
    (models/staging/<source>/_<source>__sources.yml), its staging base and stg models, the
    key of a rejected row (stg_audit__rejected_rows) and whether it may be absent (part E).
    Every macro and audit model that walks the raw tables reads this list.
-#}
{% macro raw_table_catalog() -%}
    {%- set changed_at_text = "coalesce(cast(changed_at as " ~ dbt.type_string() ~ "), '')" -%}
    {{ return([
        {'name': 'customers', 'source': 'shop', 'base': 'base_shop__customers', 'staging': 'stg_shop__customers', 'record_key': "customer_id"},
        {'name': 'agents', 'source': 'workforce', 'base': 'base_workforce__agents', 'staging': 'stg_workforce__agents', 'record_key': "agent_id"},
        {'name': 'agent_shifts', 'source': 'workforce', 'base': 'base_workforce__agent_shifts', 'staging': 'stg_workforce__agent_shifts', 'record_key': "shift_id"},
        {'name': 'tickets', 'source': 'helpdesk', 'base': 'base_helpdesk__tickets', 'staging': 'stg_helpdesk__tickets', 'record_key': "ticket_id"},
        {'name': 'calls', 'source': 'phone', 'base': 'base_phone__calls', 'staging': 'stg_phone__calls', 'record_key': "call_id"},
        {'name': 'surveys', 'source': 'survey', 'base': 'base_survey__responses', 'staging': 'stg_survey__responses', 'record_key': "response_id"},
        {'name': 'orders', 'source': 'shop', 'base': 'base_shop__orders', 'staging': 'stg_shop__orders', 'record_key': "order_id"},
        {'name': 'order_items', 'source': 'shop', 'base': 'base_shop__order_items', 'staging': 'stg_shop__order_items', 'record_key': "order_id || '#' || line_number"},
        {'name': 'products', 'source': 'shop', 'base': 'base_shop__products', 'staging': 'stg_shop__products', 'record_key': "product_id"},
        {'name': 'ticket_status_changes', 'source': 'helpdesk', 'base': 'base_helpdesk__ticket_status_changes', 'staging': 'stg_helpdesk__ticket_status_changes', 'record_key': "ticket_id || '@' || " ~ changed_at_text, 'optional': true},
    ]) }}
{%- endmacro %}


{#- The catalog entry of one raw table. -#}
{% macro raw_table_entry(table_name) -%}
    {%- for entry in raw_table_catalog() -%}
        {%- if entry['name'] == table_name -%}{{ return(entry) }}{%- endif -%}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error("unknown raw table " ~ table_name) }}
{%- endmacro %}


{#- True for a table that may be absent (SPEC part E: raw_ticket_status_changes). -#}
{% macro raw_table_is_optional(table_name) -%}
    {{ return(raw_table_entry(table_name).get('optional', false)) }}
{%- endmacro %}


{#- The raw tables of SPEC parts A and E, by name. -#}
{% macro raw_table_names() -%}
    {{ return(raw_table_catalog() | map(attribute='name') | list) }}
{%- endmacro %}


{#- The line the build prints for an optional table that was not supplied. -#}
{% macro log_table_not_supplied(table_name, where) -%}
    {{ log(where ~ ": raw_" ~ table_name ~ " not supplied (optional, SPEC part E); read as empty, its marts have no rows", info=true) }}
{%- endmacro %}
