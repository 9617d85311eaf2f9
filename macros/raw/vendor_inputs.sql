{#
    Vendor exports in (var raw_input: <system>, a key of var source_systems: fivetran,
    freshdesk). The mapping models of models/sources/<vendor>/ read the vendor tables as an
    extract-load tool lands them (fivetran: dbt sources zendesk and shopify, in the schemas
    of the vars zendesk_schema and shopify_schema) and return raw contract rows
    (SPEC part A: every column text) plus the row bookkeeping the staging base models read:
    _raw_file, _raw_row, _is_malformed and _source_reason. Staging, rules and marts do not
    change. The raw tables no vendor provides (agents, agent_shifts, calls, surveys) are read
    from the schema raw_schema when present, as with raw_input: source, and are empty otherwise.
#}

{#- Raw contract table -> the mapping model that provides it, for the system of raw_input. -#}
{% macro vendor_table_models() -%}
    {{ return(var('source_systems', {}).get(raw_input(), {})) }}
{%- endmacro %}


{#- The dbt sources that hold raw contract tables (models/staging/); any other enabled
    source belongs to the active source system's vendors. -#}
{% macro contract_source_names() -%}
    {{ return(['helpdesk', 'phone', 'survey', 'shop', 'workforce']) }}
{%- endmacro %}


{#- Where one raw table comes from: seeds | files | source | mapped | empty. -#}
{% macro raw_table_input(table_name) -%}
    {%- set mode = raw_input() -%}
    {%- if mode not in var('source_systems', {}) -%}
        {{ return('empty' if optional_table_absent(table_name, mode) else mode) }}
    {%- endif -%}
    {%- if table_name in vendor_table_models() -%}
        {{ return('mapped') }}
    {%- endif -%}
    {%- if not execute -%}
        {{ return('source') }}
    {%- endif -%}
    {{ return('source' if source_table_columns(table_name) is not none else 'empty') }}
{%- endmacro %}


{#- True when an optional raw table (SPEC part E) is not supplied by files or source. -#}
{% macro optional_table_absent(table_name, mode) -%}
    {%- if not execute or not raw_table_is_optional(table_name) -%}
        {{ return(false) }}
    {%- elif mode == 'files' -%}
        {{ return(raw_file_batches(table_name) | length == 0) }}
    {%- elif mode == 'source' -%}
        {{ return(source_table_columns(table_name) is none) }}
    {%- endif -%}
    {{ return(false) }}
{%- endmacro %}


{#- Select body: a mapped raw table (its mapping model), or no rows for a table not supplied;
    contract columns plus _raw_file, _raw_row, _is_malformed, _source_reason. -#}
{% macro mapped_rows_select(table_name) -%}
    {%- if not execute -%}
        {%- if raw_table_input(table_name) == 'mapped' -%}
            select * from {{ ref(vendor_table_models()[table_name]) }}
        {%- else -%}
            select 1 as parse_time_placeholder
        {%- endif -%}
        {{ return('') }}
    {%- endif -%}
    {%- set columns = raw_contract_columns(table_name) | map('first') | list -%}
    {%- if raw_table_input(table_name) == 'mapped' %}
    select
        {%- for column in columns %}
        mapped_rows.{{ column }},
        {%- endfor %}
        mapped_rows._raw_file,
        mapped_rows._raw_row,
        mapped_rows._is_malformed,
        mapped_rows._source_reason
    from {{ ref(vendor_table_models()[table_name]) }} as mapped_rows
    {%- else %}
    select
        {%- for column in columns %}
        cast(null as {{ dbt.type_string() }}) as {{ column }},
        {%- endfor %}
        cast(null as {{ dbt.type_string() }}) as _raw_file,
        cast(null as {{ dbt.type_bigint() }}) as _raw_row,
        false as _is_malformed,
        cast(null as {{ dbt.type_string() }}) as _source_reason
    where 1 = 0
    {%- endif %}
{%- endmacro %}


{#- The declared source node of a vendor table (models/sources/<vendor>/_<vendor>__sources.yml). -#}
{% macro vendor_source_node(source_name, table_name) -%}
    {%- for node in graph.sources.values() -%}
        {%- if node.package_name == project_name and node.source_name == source_name and node.name == table_name -%}
            {{ return(node) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(none) }}
{%- endmacro %}


{#- Problems with the types of `columns` of schema.identifier, one line each: every raw value
    is read as text, so a nested (struct, map, list) or binary column cannot be one. -#}
{% macro column_type_problems(label, schema, identifier, columns) -%}
    {%- set problems = [] -%}
    {%- if not execute -%}{{ return(problems) }}{%- endif -%}
    {%- for row in relation_columns(schema, identifier) or [] -%}
        {%- set name, data_type = row[0], row[1] -%}
        {%- if name in columns and (data_type.startswith('struct') or data_type.startswith('map') or data_type.startswith('union')
            or data_type.endswith(']') or data_type in ['array', 'blob', 'bytea', 'user-defined', 'bit']) -%}
            {%- do problems.append(label ~ "." ~ name ~ ": type " ~ data_type | upper ~ " cannot be read as text (a raw column holds one value: text, a number, a date or a timestamp)") -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(problems) }}
{%- endmacro %}


{#- Lower-cased column names of a vendor table; none when it does not exist. -#}
{% macro vendor_table_columns(source_name, table_name) -%}
    {%- set relation = source(source_name, table_name) -%}
    {{ return(relation_column_names(relation.schema, relation.identifier)) }}
{%- endmacro %}




{#-
    Select body: a vendor table as its declared columns, every one text (a declared column
    the table lacks is NULL), plus _raw_file, _raw_row, _is_malformed: the loader's
    (cs_kpi.load) when it wrote the table, else one batch '<source>.<table>' numbered in key
    order. An optional table (meta optional_table) that does not exist gives no rows.
-#}
{% macro vendor_rows(source_name, table_name) -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- if not execute -%}
        select * from {{ relation }}
    {%- else -%}
        {%- set node = vendor_source_node(source_name, table_name) -%}
        {%- set present = vendor_table_columns(source_name, table_name) -%}
        {%- set batched = present is not none and '_raw_file' in present and '_raw_row' in present and '_is_malformed' in present %}
    select
        {%- for column in node.columns.values() %}
        {% if present is not none and column.name in present -%}
        cast(vendor_rows.{{ column.name }} as {{ dbt.type_string() }})
        {%- else -%}
        cast(null as {{ dbt.type_string() }})
        {%- endif %} as {{ column.name }},
        {%- endfor %}
        {%- if batched %}
        vendor_rows._raw_file,
        vendor_rows._raw_row,
        vendor_rows._is_malformed
        {%- elif present is none %}
        cast(null as {{ dbt.type_string() }}) as _raw_file,
        cast(null as {{ dbt.type_bigint() }}) as _raw_row,
        false as _is_malformed
        {%- else %}
        '{{ source_name }}.{{ table_name }}' as _raw_file,
        row_number() over (order by {% for key in node.meta.get('key', []) %}cast(vendor_rows.{{ key }} as {{ dbt.type_string() }}){{ ', ' if not loop.last }}{% endfor %}) as _raw_row,
        false as _is_malformed
        {%- endif %}
        {%- if present is none %}
    from (select 1 as no_table) as vendor_rows
    where 1 = 0
        {%- else %}
    from {{ relation }} as vendor_rows
        {%- endif %}
    {%- endif -%}
{%- endmacro %}


{#- A vendor flag column ('TRUE', 'true', 't', '1', ...) as a boolean; empty is false. -#}
{% macro vendor_flag(expression) -%}
    coalesce(lower(trim({{ expression }})) in ('true', 't', '1', 'yes'), false)
{%- endmacro %}


{#-
    on-run-start with raw_input: <system>: every required vendor table exists with its
    required columns (one line per problem, naming the table and columns, never a value);
    the raw tables no vendor provides are checked when present and named when not.
-#}
{% macro check_vendor_inputs() -%}
    {%- set problems = [] -%}
    {%- for node in graph.sources.values() | sort(attribute='unique_id') -%}
        {%- if node.package_name == project_name and node.source_name not in contract_source_names() -%}
            {%- set present = vendor_table_columns(node.source_name, node.name) -%}
            {%- if present is none -%}
                {%- if not node.meta.get('optional_table', false) -%}
                    {%- do problems.append(node.schema ~ "." ~ node.name ~ ": table not found (the " ~ node.source_name
                        ~ " connector of your extract-load tool lands it; for files: DIR/" ~ node.source_name ~ "/" ~ node.name
                        ~ ".csv, loaded by `cs-kpi load --source " ~ raw_input() ~ " --raw-path DIR`)") -%}
                {%- else -%}
                    {{ log(node.schema ~ "." ~ node.name ~ ": optional table not found; read as empty", info=true) }}
                {%- endif -%}
            {%- else -%}
                {%- set missing = [] -%}
                {%- for column in node.columns.values() -%}
                    {%- if column.meta.get('required', false) and column.name not in present -%}{%- do missing.append(column.name) -%}{%- endif -%}
                {%- endfor -%}
                {%- if missing -%}
                    {%- do problems.append(node.schema ~ "." ~ node.name ~ ": required column" ~ ("s" if missing | length > 1 else "")
                        ~ " missing: " ~ missing | join(", ")) -%}
                {%- endif -%}
                {%- do problems.extend(column_type_problems(node.schema ~ "." ~ node.name, node.schema, node.name,
                    node.columns.keys() | list)) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for table_name in raw_table_names() -%}
        {%- if table_name not in vendor_table_models() -%}
            {%- if raw_table_input(table_name) == 'source' -%}
                {%- do problems.extend(source_problems(table_name)) -%}
            {%- elif raw_table_is_optional(table_name) -%}
                {{ log_table_not_supplied(table_name, var('raw_schema', 'raw') ~ ".raw_" ~ table_name) }}
            {%- else -%}
                {{ log(var('raw_schema', 'raw') ~ ".raw_" ~ table_name ~ ": not supplied (no vendor source provides raw_" ~ table_name
                    ~ "); read as empty, and the marts built from it are empty", info=true) }}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if problems -%}
        {{ exceptions.raise_compiler_error("vendor input check failed (" ~ problems | length ~ " problem"
            ~ ("s" if problems | length > 1 else "") ~ "):\n  " ~ problems | join("\n  ")) }}
    {%- endif -%}
{%- endmacro %}


{#-
    The contract value of a vendor value, from the seed vendor_value_maps (vendor, field,
    source_value, contract_value), matched after trim and lower-case: emits a left join of
    the seed as `alias` for field `field` on `expression`. Use
    vendor_mapped_value(alias) for the mapped value and vendor_unmapped_reason(alias, ...)
    for the reject reason of a value the seed does not list. An empty contract_value maps
    to NULL (e.g. a channel that says nothing about how the customer wrote).
-#}
{% macro vendor_value_join(alias, vendor, field, expression) -%}
    left join {{ ref('vendor_value_maps') }} as {{ alias }}
        on
            {{ alias }}.vendor = '{{ vendor }}'
            and {{ alias }}.field = '{{ field }}'
            and lower(trim({{ alias }}.source_value)) = lower(trim({{ expression }}))
{%- endmacro %}

{% macro vendor_mapped_value(alias) -%}
    nullif(lower(trim({{ alias }}.contract_value)), '')
{%- endmacro %}

{#- 'unmapped_value:<column>=<value>' when the value is present but not in the seed. -#}
{% macro vendor_unmapped_reason(alias, column, expression) -%}
    case
        when nullif(trim({{ expression }}), '') is not null and {{ alias }}.field is null
            then 'unmapped_value:{{ column }}=' || lower(trim({{ expression }}))
    end
{%- endmacro %}


{#- Reject reasons that mean "the source says this row does not count", not "bad data":
    counted apart in stg_audit__row_counts (source_excluded_rows). -#}
{% macro source_exclusion_reasons() -%}
    'deleted_in_source', 'test_order'
{%- endmacro %}


{#-
    Select body of a generic mapping model: one vendor table -> one raw contract table,
    described by the model's YAML (config.meta.mapping), so a new tool needs a YAML entry and
    a one-line model, {{ generic_mapping('<source>', '<table>') }}, instead of SQL. The model
    names the dbt source table it reads; its YAML gives:
      raw_table: tickets                       the raw contract table it provides
      columns: {<contract column>: <source column> | [<first>, <fallback>, ...] | null}
      values: {<contract column>: {<source value>: <contract value>, ...}}
          matched after trim and lower-case; an empty contract value maps to NULL; a value
          not listed -> _source_reason unmapped_value:<source column>=<value>
      exclude: [{column: <flag column>, reason: deleted_in_source}, ...]
          a row whose flag is true is rejected with that reason
    Contract columns the mapping does not name are NULL (empty: 0 for the counts).
-#}
{% macro generic_mapping(source_name, table_name) -%}
    {%- if not execute -%}
        {{ vendor_rows(source_name, table_name) }}
        {{ return('') }}
    {%- endif -%}
    {%- set mapping = model.config.meta.get('mapping') -%}
    {%- if not mapping -%}
        {{ exceptions.raise_compiler_error(model.name ~ ": generic_mapping needs config.meta.mapping in the model's YAML") }}
    {%- endif -%}
    {%- set columns = raw_contract_columns(mapping['raw_table']) | map('first') | list -%}
    {%- set values = mapping.get('values', {}) -%}
    {%- set expressions = {} -%}
    {%- set reasons = [] -%}
    {%- for rule in mapping.get('exclude', []) -%}
        {%- do reasons.append("case when " ~ vendor_flag('source_rows.' ~ rule['column']) ~ " then '" ~ rule['reason'] ~ "' end") -%}
    {%- endfor -%}
    {%- for column in columns -%}
        {%- set named = mapping['columns'].get(column) -%}
        {%- if named is none -%}
            {%- set expression = 'cast(null as ' ~ dbt.type_string() ~ ')' -%}
        {%- elif named is string -%}
            {%- set expression = 'source_rows.' ~ named -%}
        {%- else -%}
            {%- set parts = [] -%}
            {%- for name in named -%}{%- do parts.append("nullif(trim(source_rows." ~ name ~ "), '')") -%}{%- endfor -%}
            {%- set expression = 'coalesce(' ~ parts | join(', ') ~ ')' -%}
        {%- endif -%}
        {%- if column in values and named is not none -%}
            {%- set label = named if named is string else column -%}
            {%- set cases = [] -%}
            {%- set listed = [] -%}
            {%- for source_value, contract_value in values[column].items() -%}
                {%- set key = source_value | string | trim | lower -%}
                {%- do listed.append(sql_string(key)) -%}
                {%- do cases.append("when " ~ sql_string(key) ~ " then " ~ (sql_string(contract_value) if contract_value not in [none, ''] else 'null')) -%}
            {%- endfor -%}
            {%- do reasons.append("case when nullif(trim(" ~ expression ~ "), '') is not null and lower(trim(" ~ expression ~ ")) not in ("
                ~ listed | join(', ') ~ ") then 'unmapped_value:" ~ label ~ "=' || lower(trim(" ~ expression ~ ")) end") -%}
            {%- set expression = "case lower(trim(" ~ expression ~ ")) " ~ cases | join(' ') ~ " end" -%}
        {%- endif -%}
        {%- do expressions.update({column: expression}) -%}
    {%- endfor %}
    select
        {%- for column in columns %}
        {{ expressions[column] }} as {{ column }},
        {%- endfor %}
        source_rows._raw_file,
        source_rows._raw_row,
        source_rows._is_malformed,
        {% if reasons -%}
        coalesce({{ reasons | join(', ') }})
        {%- else -%}
        cast(null as {{ dbt.type_string() }})
        {%- endif %} as _source_reason
    from ({{ vendor_rows(source_name, table_name) }}) as source_rows
{%- endmacro %}
