{#
    What the warehouse holds, asked of the engine's catalog with plain queries (not the
    adapter's relation cache: on DuckDB and PostgreSQL it opens a transaction that
    on-run-start hooks would then roll back).
    - relation_columns(schema, identifier): [(column name, data type)], both lower-cased, in
      table order; none when the table does not exist;
    - relation_column_names(schema, identifier): the names alone (none when no table);
    - relation_exists(schema, identifier).
    information_schema on DuckDB and PostgreSQL; SHOW and DESCRIBE on Spark, which has none.
#}
{% macro relation_columns(schema, identifier) -%}
    {%- if not execute -%}{{ return(none) }}{%- endif -%}
    {{ return(adapter.dispatch('relation_columns', 'cs_kpi')(schema, identifier)) }}
{%- endmacro %}

{% macro default__relation_columns(schema, identifier) -%}
    {%- set found = run_query("select lower(column_name), lower(data_type) from information_schema.columns where lower(table_schema) = lower("
        ~ sql_string(schema) ~ ") and lower(table_name) = lower(" ~ sql_string(identifier) ~ ") order by ordinal_position") -%}
    {%- set columns = [] -%}
    {%- for row in found.rows -%}{%- do columns.append((row[0], row[1])) -%}{%- endfor -%}
    {{ return(columns if columns else none) }}
{%- endmacro %}

{% macro spark__relation_columns(schema, identifier) -%}
    {%- if not spark_relation_exists(schema, identifier) -%}{{ return(none) }}{%- endif -%}
    {%- set described = run_query("describe table " ~ schema ~ "." ~ identifier) -%}
    {%- set columns = [] -%}
    {%- for row in described.rows -%}
        {#- DESCRIBE lists the columns, then a blank line and '# Partition Information'. -#}
        {%- if not row[0] or row[0].startswith('#') -%}{%- break -%}{%- endif -%}
        {%- do columns.append((row[0] | lower, row[1] | lower)) -%}
    {%- endfor -%}
    {{ return(columns if columns else none) }}
{%- endmacro %}

{% macro relation_column_names(schema, identifier) -%}
    {%- set columns = relation_columns(schema, identifier) -%}
    {{ return(columns | map('first') | list if columns else none) }}
{%- endmacro %}

{% macro relation_exists(schema, identifier) -%}
    {%- if not execute -%}{{ return(false) }}{%- endif -%}
    {{ return(adapter.dispatch('relation_exists', 'cs_kpi')(schema, identifier)) }}
{%- endmacro %}

{% macro default__relation_exists(schema, identifier) -%}
    {%- set found = run_query("select count(*) from information_schema.tables where lower(table_schema) = lower("
        ~ sql_string(schema) ~ ") and lower(table_name) = lower(" ~ sql_string(identifier) ~ ")") -%}
    {{ return(found.columns[0].values()[0] > 0) }}
{%- endmacro %}

{% macro spark__relation_exists(schema, identifier) -%}
    {{ return(spark_relation_exists(schema, identifier)) }}
{%- endmacro %}

{% macro spark_relation_exists(schema, identifier) -%}
    {%- set schemas = run_query("show schemas like " ~ sql_string(schema | lower)).columns[0].values() | map('lower') | list -%}
    {%- if schema | lower not in schemas -%}{{ return(false) }}{%- endif -%}
    {%- set tables = run_query("show tables in " ~ schema ~ " like " ~ sql_string(identifier | lower)) -%}
    {{ return(tables.rows | length > 0) }}
{%- endmacro %}

{#- Select body: (table_schema, table_name, column_name) of every table and view of the
    current database, as information_schema.columns has them. Spark has no such view: there,
    the relations of this project's models and seeds, asked one by one. -#}
{% macro catalog_columns() -%}
    {{ adapter.dispatch('catalog_columns', 'cs_kpi')() }}
{%- endmacro %}

{% macro default__catalog_columns() -%}
    select table_schema, table_name, column_name
    from information_schema.columns
    where table_catalog = current_database()
{%- endmacro %}

{% macro spark__catalog_columns() -%}
    {%- set rows = [] -%}
    {%- if execute -%}
        {%- for node in graph.nodes.values() if node.resource_type in ['model', 'seed'] and node.config.materialized != 'ephemeral' -%}
            {%- for column in relation_column_names(node.schema, node.alias) or [] -%}
                {%- do rows.append('(' ~ sql_string(node.schema) ~ ', ' ~ sql_string(node.alias) ~ ', ' ~ sql_string(column) ~ ')') -%}
            {%- endfor -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if rows -%}
    select * from values {{ rows | join(', ') }} as catalog_columns (table_schema, table_name, column_name)
    {%- else -%}
    select cast(null as string) as table_schema, cast(null as string) as table_name, cast(null as string) as column_name
    where false
    {%- endif -%}
{%- endmacro %}
