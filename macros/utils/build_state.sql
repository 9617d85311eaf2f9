{#-
    What the warehouse was last built from, and whether that build finished, in the table
    cs_kpi_meta.build_state (one row), for the gate and publish: they validate and publish
    only a build that succeeded, and only for the input it was built from.
    Written by the on-run-start / on-run-end hooks of `dbt build` and `dbt run`.
-#}
{% macro build_state_relation() -%}
    cs_kpi_meta.build_state
{%- endmacro %}

{% macro records_build_state() -%}
    {{ return(execute and flags.WHICH in ['build', 'run']) }}
{%- endmacro %}

{% macro record_build_start() -%}
    {%- if records_build_state() -%}
        {%- set raw_path = var('raw_path', none) -%}
        {%- do run_query("create schema if not exists cs_kpi_meta") -%}
        {{ check_zone_unchanged() }}
        {%- do run_query("drop table if exists " ~ build_state_relation()) -%}
        {%- do run_query("create table " ~ build_state_relation() ~ " as " ~ build_state_row("'running'", "cast(null as bigint)")) -%}
    {%- endif -%}
{%- endmacro %}

{#- The one row of build_state: status and failed_nodes are SQL expressions. -#}
{% macro build_state_row(status, failed_nodes) -%}
    {%- set raw_path = var('raw_path', none) -%}
    select
        {{ sql_string(invocation_id) }} as invocation_id,
        {{ sql_string(raw_path.rstrip('/')) if raw_path else sql_string(build_input_label()) }} as raw_input,
        {{ sql_string(raw_format()) if raw_path else ("'seed'" if raw_input() == 'seeds' else "'table'") }} as raw_format,
        {{ sql_string(reporting_timezone()) }} as reporting_timezone,
        {{ sql_string(var('cost_currency', 'USD')) }} as cost_currency,
        {{ sql_string(unsupplied_raw_tables() | join(',')) }} as unsupplied_tables,
        {{ status }} as status,
        {{ failed_nodes }} as failed_nodes
{%- endmacro %}

{#- The input of a build without raw_path: seeds, source:<raw schema> or
    <system>:<vendor schemas>,<raw schema> (e.g. fivetran:zendesk,shopify,raw). -#}
{% macro build_input_label() -%}
    {%- if raw_input() == 'source' -%}
        {{ return('source:' ~ var('raw_schema', 'raw')) }}
    {%- elif raw_input() in var('source_systems', {}) -%}
        {%- set schemas = [] -%}
        {%- for node in graph.sources.values() | sort(attribute='unique_id') -%}
            {%- if node.package_name == project_name and node.source_name not in contract_source_names() and node.schema not in schemas -%}
                {%- do schemas.append(node.schema) -%}
            {%- endif -%}
        {%- endfor -%}
        {{ return(raw_input() ~ ':' ~ (schemas + [var('raw_schema', 'raw')]) | join(',')) }}
    {%- endif -%}
    {{ return('seeds') }}
{%- endmacro %}

{#- Raw tables the input does not supply (read as empty): with raw_input fivetran, those
    no vendor provides and no raw_<name> table holds. The gate only warns about their volume. -#}
{% macro unsupplied_raw_tables() -%}
    {%- set missing = [] -%}
    {%- for table_name in raw_table_names() -%}
        {%- if raw_table_input(table_name) == 'empty' -%}{%- do missing.append(table_name) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(missing) }}
{%- endmacro %}

{% macro record_build_end(results) -%}
    {%- if records_build_state() -%}
        {%- set failed = results | selectattr('status', 'in', ['error', 'fail', 'runtime error']) | list -%}
        {%- do adapter.dispatch('write_build_end', 'cs_kpi')(
            "'failed'" if failed else "'succeeded'", failed | length) -%}
    {%- endif -%}
{%- endmacro %}

{% macro default__write_build_end(status, failed_nodes) -%}
    {%- do run_query("update " ~ build_state_relation() ~ " set status = " ~ status ~ ", failed_nodes = " ~ failed_nodes
        ~ " where invocation_id = " ~ sql_string(invocation_id)) -%}
{%- endmacro %}

{#- Spark's built-in formats have no UPDATE: the row is written again. -#}
{% macro spark__write_build_end(status, failed_nodes) -%}
    {%- do run_query("drop table if exists " ~ build_state_relation()) -%}
    {%- do run_query("create table " ~ build_state_relation() ~ " as "
        ~ build_state_row(status, "cast(" ~ failed_nodes ~ " as bigint)")) -%}
{%- endmacro %}

{#-
    Incremental models keep the local days and months of rows they did not touch; after a
    change of reporting_timezone they would mix two zones. A file-fed incremental build then
    stops and asks for --full-refresh (a seed-fed build rebuilds everything anyway).
-#}
{% macro check_zone_unchanged() -%}
    {%- if raw_input() != 'seeds' and not flags.FULL_REFRESH -%}
        {%- if 'reporting_timezone' in (relation_column_names('cs_kpi_meta', 'build_state') or []) -%}
            {%- set previous = run_query("select reporting_timezone from " ~ build_state_relation()).columns[0].values() -%}
            {%- if previous and previous[0] != reporting_timezone() -%}
                {{ exceptions.raise_compiler_error("reporting_timezone changed from " ~ previous[0] ~ " to "
                    ~ reporting_timezone() ~ " since the last build: rebuild with --full-refresh "
                    ~ "(make build FULL_REFRESH=1) so every day and month uses one zone") }}
            {%- endif -%}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}


{#-
    post-hook of every table and incremental model: fresh planner statistics where the engine
    keeps them. PostgreSQL plans the next model's joins from them; without, a table built a
    moment ago looks empty and a hash join became a nested loop (fct_order_items at scale 10:
    277 s instead of under a second).
-#}
{% macro refresh_statistics() -%}
    {{ return(adapter.dispatch('refresh_statistics', 'cs_kpi')()) }}
{%- endmacro %}

{% macro default__refresh_statistics() -%}
    {%- if config.get('materialized') in ['table', 'incremental'] -%}
        {{ return('analyze ' ~ this) }}
    {%- endif -%}
    {{ return('') }}
{%- endmacro %}

{% macro duckdb__refresh_statistics() -%}
    {{ return('') }}
{%- endmacro %}

{#- Spark plans from file sizes; ANALYZE would scan every table once more. -#}
{% macro spark__refresh_statistics() -%}
    {{ return('') }}
{%- endmacro %}
