{#
    The one place that decides where raw data comes from (SPEC part A), raw_input():
    - seeds (default): the dbt seeds raw_<name> (every column loaded as text);
    - files (var raw_path set, DuckDB): the files <raw_path>/raw_<name>.<raw_format> and any
      appended batches <raw_path>/raw_<name>__<batch>.<raw_format>, raw_format csv (default)
      or parquet, read by the project's reader (cs_kpi/raw_reader.py, registered on the DuckDB
      connection by the cs_kpi dbt-duckdb plugin): fixed CSV dialect, header matched after
      trim/lower-case, missing optional columns NULL, malformed lines flagged (_is_malformed);
    - a source system (var raw_input: fivetran, freshdesk, ...; var source_systems): vendor
      tables as an extract-load tool lands them (fivetran: Zendesk in the schema var
      zendesk_schema, Shopify in shopify_schema), turned into the raw contract by the mapping
      models of models/sources/ (macros/raw/vendor_inputs.sql); the tables no vendor
      provides are read as with source when present, else they are empty;
    - source (var raw_input: source, the default on a server when the tables exist): the
      tables raw_<name> of the schema var raw_schema
      (default raw), declared as dbt sources in models/staging/<source>/_<source>__sources.yml,
      as an extract-load tool lands them or `python -m cs_kpi.load` writes them. Tables the
      loader wrote carry its batch columns (_raw_file, _raw_row, _is_malformed) and load
      incrementally by batch; any other table is one batch, re-read on every run.
    raw_relation reads all rows of a table (row counts, reconciliation); staging base models
    read the batches they have not loaded yet through raw_source (incremental_base.sql).
#}
{% macro raw_input() -%}
    {%- set requested = var('raw_input', none) -%}
    {%- set systems = var('source_systems', {}) -%}
    {%- if requested not in [none, 'seeds', 'files', 'source'] and requested not in systems -%}
        {{ exceptions.raise_compiler_error("var raw_input must be seeds, files, source or a source system of var source_systems ("
            ~ systems.keys() | list | join(', ') ~ "), got '" ~ requested ~ "'") }}
    {%- endif -%}
    {%- if var('raw_path', none) -%}
        {%- if requested in systems -%}
            {{ exceptions.raise_compiler_error("var raw_input: " ~ requested ~ " reads the vendor tables of the warehouse; load a folder of exports first with `cs-kpi load --source " ~ requested ~ " --raw-path DIR` (or run `make build SOURCE=" ~ requested ~ " RAW_PATH=DIR`), then build without raw_path") }}
        {%- endif -%}
        {%- if requested not in [none, 'files'] -%}
            {{ exceptions.raise_compiler_error("var raw_path reads files; it cannot be combined with raw_input: " ~ requested) }}
        {%- endif -%}
        {{ return('files') }}
    {%- endif -%}
    {%- if requested == 'files' -%}
        {{ exceptions.raise_compiler_error("var raw_input: files needs var raw_path (the folder of raw files)") }}
    {%- endif -%}
    {%- if requested -%}
        {{ return(requested) }}
    {%- endif -%}
    {#- Not set: DuckDB reads the seeds; a server reads the raw tables of raw_schema when any of
        them exists (a partial set then fails the input check, naming what is missing), else
        the seeds. At parse time a server registers the sources as dependencies. -#}
    {%- if target.type == 'duckdb' -%}
        {{ return('seeds') }}
    {%- endif -%}
    {%- if not execute -%}
        {{ return('source') }}
    {%- endif -%}
    {{ return('source' if raw_source_tables_present() else 'seeds') }}
{%- endmacro %}


{#- True when at least one raw_<name> table exists in the schema raw_schema. -#}
{% macro raw_source_tables_present() -%}
    {%- for table_name in raw_table_names() -%}
        {%- if relation_exists(var('raw_schema', 'raw'), 'raw_' ~ table_name) -%}{{ return(true) }}{%- endif -%}
    {%- endfor -%}
    {{ return(false) }}
{%- endmacro %}


{% macro raw_relation(table_name) -%}
    {#- The seed is always registered, so files and seeds give the same dependency graph (and
        unit-test mocks); a source is a dependency only when it is read. -#}
    {%- set seed_relation = ref('raw_' ~ table_name) -%}
    {%- set mode = raw_table_input(table_name) -%}
    {%- if mode == 'files' -%}
        ({{ raw_files_select(table_name, raw_batches(table_name)) }})
    {%- elif mode == 'source' -%}
        ({{ source_rows_select(table_name) }})
    {%- elif mode in ['mapped', 'empty'] -%}
        ({{ mapped_rows_select(table_name) }})
    {%- else -%}
        {{ seed_relation }}
    {%- endif -%}
{%- endmacro %}


{#- The dbt source of a raw table. -#}
{% macro raw_source_relation(table_name) -%}
    {{ return(source(raw_table_entry(table_name)['source'], 'raw_' ~ table_name)) }}
{%- endmacro %}


{#- The contract columns of a raw table, from its source declaration: [(name, required)]. -#}
{% macro raw_contract_columns(table_name) -%}
    {%- set columns = [] -%}
    {%- for node in graph.sources.values() -%}
        {%- if node.package_name == project_name and node.name == 'raw_' ~ table_name -%}
            {%- for column in node.columns.values() -%}
                {%- do columns.append((column.name, column.meta.get('required', false))) -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(columns) }}
{%- endmacro %}


{#- The loader's batch columns: a source table that has them loads incrementally by batch. -#}
{% macro batch_columns() -%}
    {{ return(['_raw_file', '_raw_row', '_is_malformed']) }}
{%- endmacro %}


{#- Lower-cased column names of a raw source table; none when it does not exist. -#}
{% macro source_table_columns(table_name) -%}
    {%- set relation = raw_source_relation(table_name) -%}
    {{ return(relation_column_names(relation.schema, relation.identifier)) }}
{%- endmacro %}


{% macro source_has_batches(table_name) -%}
    {%- set present = source_table_columns(table_name) or [] -%}
    {%- for column in batch_columns() -%}
        {%- if column not in present -%}{{ return(false) }}{%- endif -%}
    {%- endfor -%}
    {{ return(true) }}
{%- endmacro %}


{#- Problems with a raw source table, one line each (missing table, missing required column,
    a column whose type cannot be read as text). -#}
{% macro source_problems(table_name) -%}
    {%- set relation = raw_source_relation(table_name) -%}
    {%- set present = source_table_columns(table_name) -%}
    {%- if present is none -%}
        {{ return([relation ~ ": table not found (load it with `python -m cs_kpi.load --raw-path DIR` or point var raw_schema at the schema that holds it)"]) }}
    {%- endif -%}
    {%- set missing = [] -%}
    {%- for column, required in raw_contract_columns(table_name) -%}
        {%- if required and column not in present -%}{%- do missing.append(column) -%}{%- endif -%}
    {%- endfor -%}
    {%- if missing -%}
        {{ return([relation ~ ": required column" ~ ("s" if missing | length > 1 else "") ~ " missing: " ~ missing | join(", ")]) }}
    {%- endif -%}
    {{ return(column_type_problems(relation.schema ~ "." ~ relation.identifier, relation.schema, relation.identifier,
        raw_contract_columns(table_name) | map('first') | list)) }}
{%- endmacro %}


{#-
    Select body: the rows of a raw source table as the contract columns (text; a missing
    optional column is NULL) plus _raw_file, _raw_row and _is_malformed, taken from the
    loader's batch columns or, for a table without them, one batch 'source:raw_<name>'.
    batch_ids: only these batches (none: all).
-#}
{% macro source_rows_select(table_name, batch_ids=none) -%}
    {%- set relation = raw_source_relation(table_name) -%}
    {%- if not execute -%}
        select * from {{ relation }}
    {%- else -%}
        {%- set present = source_table_columns(table_name) or [] -%}
        {%- set batched = source_has_batches(table_name) %}
    select
        {%- for column, required in raw_contract_columns(table_name) %}
        {% if column in present -%}
        cast(source_rows.{{ column }} as {{ dbt.type_string() }})
        {%- else -%}
        cast(null as {{ dbt.type_string() }})
        {%- endif %} as {{ column }},
        {%- endfor %}
        {%- if batched %}
        source_rows._raw_file,
        source_rows._raw_row,
        source_rows._is_malformed
        {%- else %}
        'source:raw_{{ table_name }}' as _raw_file,
        {{ row_number_in_table() }} as _raw_row,
        false as _is_malformed
        {%- endif %}
    from {{ relation }} as source_rows
        {%- if batch_ids is not none %}
    where {% if batch_ids and batched -%}
        source_rows._raw_file in ({% for batch_id in batch_ids %}{{ sql_string(batch_id) }}{{ ", " if not loop.last }}{% endfor %})
        {%- else -%}
        1 = 0
        {%- endif %}
        {%- endif %}
    {%- endif -%}
{%- endmacro %}


{% macro raw_format() -%}
    {%- set raw_format = var('raw_format', 'csv') | lower -%}
    {%- if raw_format not in ['csv', 'parquet'] -%}
        {{ exceptions.raise_compiler_error(
            "var raw_format must be 'csv' or 'parquet', got '" ~ raw_format ~ "'") }}
    {%- endif -%}
    {{ return(raw_format) }}
{%- endmacro %}


{#- A SQL string literal (Spark escapes with a backslash, the others by doubling quotes). -#}
{% macro sql_string(value) -%}
    {%- if target.type == 'spark' -%}
        {{ spark_string_literal(value) }}
    {%- else -%}
        '{{ value | string | replace("'", "''") }}'
    {%- endif -%}
{%- endmacro %}


{#- Ask the cs_kpi plugin (cs_kpi/dbt_plugin.py) a question; its answer is JSON. -#}
{% macro raw_reader_call(function_sql) -%}
    {%- if target.type != 'duckdb' -%}
        {{ exceptions.raise_compiler_error(
            "raw_path reads files directly only on DuckDB. On " ~ target.type
            ~ ", load them with `python -m cs_kpi.load --raw-path DIR` and build with --vars '{raw_input: source}'.") }}
    {%- endif -%}
    {%- set answer = run_query('select ' ~ function_sql) -%}
    {{ return(fromjson(answer.columns[0].values()[0])) }}
{%- endmacro %}


{#- (path, batch id) of every raw file of a table when raw_path is set, sorted by path. -#}
{% macro raw_batches(table_name, required=true) -%}
    {%- if raw_table_input(table_name) == 'source' -%}
        {{ return(source_batches(table_name)) }}
    {%- endif -%}
    {%- set folder = var('raw_path').rstrip('/') -%}
    {%- if not execute -%}
        {{ return([(folder ~ '/raw_' ~ table_name ~ '.' ~ raw_format(), 'parse-time')]) }}
    {%- endif -%}
    {%- set listed = raw_file_batches(table_name) -%}
    {%- if required and listed | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            folder ~ ": no raw file for table " ~ table_name ~ " (expected raw_" ~ table_name ~ "."
            ~ raw_format() ~ ", optionally with batches raw_" ~ table_name ~ "__<batch>." ~ raw_format() ~ ")") }}
    {%- endif -%}
    {%- set batches = [] -%}
    {%- for path, batch_id in listed -%}{%- do batches.append((path, batch_id)) -%}{%- endfor -%}
    {{ return(batches) }}
{%- endmacro %}


{#- [path, batch id] of every file of a table in the folder var raw_path (the plugin lists them). -#}
{% macro raw_file_batches(table_name) -%}
    {%- set listed = raw_reader_call('cs_kpi_raw_files(' ~ sql_string(var('raw_path').rstrip('/')) ~ ', '
        ~ sql_string(table_name) ~ ', ' ~ sql_string(raw_format()) ~ ')') -%}
    {%- if listed is mapping -%}
        {{ exceptions.raise_compiler_error(listed['error']) }}
    {%- endif -%}
    {{ return(listed) }}
{%- endmacro %}


{#- (batch id, batch id) of every batch of a raw source table the loader wrote. -#}
{% macro source_batches(table_name) -%}
    {%- if not execute or not source_has_batches(table_name) -%}
        {{ return([('source:raw_' ~ table_name, 'source:raw_' ~ table_name)]) }}
    {%- endif -%}
    {%- set listed = run_query('select distinct _raw_file from ' ~ raw_source_relation(table_name) ~ ' order by 1') -%}
    {%- set batches = [] -%}
    {%- for batch_id in listed.columns[0].values() -%}{%- do batches.append((batch_id, batch_id)) -%}{%- endfor -%}
    {{ return(batches) }}
{%- endmacro %}


{#- What the reader says of one file (parse=true: parsed and ready to select). -#}
{% macro raw_file_info(path, table_name, parse=true) -%}
    {{ return(raw_reader_call('cs_kpi_raw_file(' ~ sql_string(path) ~ ', ' ~ sql_string(table_name)
        ~ ', ' ~ sql_string(raw_format()) ~ ', ' ~ ('true' if parse else 'false') ~ ')')) }}
{%- endmacro %}


{#-
    Select body: the rows of the given batches, as the table's contract columns (text) plus
    _raw_file (batch id), _raw_row (CSV: line where the record starts; Parquet: row number)
    and _is_malformed. With no batch, a select of no rows.
-#}
{% macro raw_files_select(table_name, batches) -%}
    {%- if not execute -%}
        select 1 as parse_time_placeholder
    {%- else -%}
        {%- for path, batch_id in batches %}
            {%- set info = raw_file_info(path, table_name) -%}
            {%- if 'error' in info -%}{{ exceptions.raise_compiler_error(info['error']) }}{%- endif %}
        {{ info['sql'] }}
            {%- if not loop.last %}
        union all
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}


{#-
    on-run-start: with raw_path set, every raw table has a file, and every file is UTF-8 with
    a header holding the required columns. Problems stop the run before any model, one line
    each naming the file and the column or line (never a value from the file). Unknown and
    missing optional columns are listed.
-#}
{% macro check_raw_inputs() -%}
    {%- if execute and raw_input() in var('source_systems', {}) -%}
        {{ check_vendor_inputs() }}
    {%- elif execute and raw_input() == 'source' -%}
        {%- set problems = [] -%}
        {%- for table_name in raw_table_names() -%}
            {%- if raw_table_input(table_name) == 'empty' -%}
                {{ log_table_not_supplied(table_name, var('raw_schema', 'raw') ~ ".raw_" ~ table_name) }}
            {%- else -%}
                {%- do problems.extend(source_problems(table_name)) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if problems -%}
            {{ exceptions.raise_compiler_error("raw input check failed (" ~ problems | length ~ " problem"
                ~ ("s" if problems | length > 1 else "") ~ "):\n  " ~ problems | join("\n  ")) }}
        {%- endif -%}
    {%- elif execute and raw_input() == 'files' -%}
        {%- set problems = [] -%}
        {%- for table_name in raw_table_names() -%}
            {%- set batches = raw_batches(table_name, required=false) -%}
            {%- if batches | length == 0 and raw_table_is_optional(table_name) -%}
                {{ log_table_not_supplied(table_name, var('raw_path').rstrip('/')) }}
            {%- elif batches | length == 0 -%}
                {%- do problems.append(var('raw_path').rstrip('/') ~ ": no raw_" ~ table_name ~ "." ~ raw_format()
                    ~ " (nor batches raw_" ~ table_name ~ "__<batch>." ~ raw_format() ~ ")") -%}
            {%- endif -%}
            {%- for path, batch_id in batches -%}
                {%- set info = raw_file_info(path, table_name, parse=false) -%}
                {%- if 'error' in info -%}
                    {%- do problems.append(info['error']) -%}
                {%- else -%}
                    {%- if info['unknown_columns'] -%}
                        {{ log(path ~ ": unknown columns ignored: " ~ info['unknown_columns'] | join(', '), info=true) }}
                    {%- endif -%}
                    {%- if info['missing_optional'] -%}
                        {{ log(path ~ ": optional columns missing, read as NULL: " ~ info['missing_optional'] | join(', '), info=true) }}
                    {%- endif -%}
                {%- endif -%}
            {%- endfor -%}
        {%- endfor -%}
        {%- if problems -%}
            {{ exceptions.raise_compiler_error("raw input check failed (" ~ problems | length ~ " problem"
                ~ ("s" if problems | length > 1 else "") ~ "):\n  " ~ problems | join("\n  ")) }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}


{#-
    on-run-start, Spark: with var spark_raw_location (a folder `cs-kpi load --target spark`
    writes, <location>/<raw_schema>/raw_<name>/), each of the nine raw tables is (re)registered
    as a Parquet table over its folder, so raw_input: source reads the files as they are now.
    Dropping a table registered over a location leaves its files in place.
-#}
{% macro register_spark_raw_tables() -%}
    {%- set location = var('spark_raw_location', none) -%}
    {%- if execute and target.type == 'spark' and location -%}
        {%- set schema = var('raw_schema', 'raw') -%}
        {%- do run_query("create schema if not exists " ~ schema) -%}
        {%- for table_name in raw_table_names() -%}
            {%- set columns = [] -%}
            {%- for column, required in raw_contract_columns(table_name) -%}
                {%- do columns.append(column ~ " string") -%}
            {%- endfor -%}
            {%- do run_query("drop table if exists " ~ schema ~ ".raw_" ~ table_name) -%}
            {%- do run_query("create table " ~ schema ~ ".raw_" ~ table_name ~ " (" ~ columns | join(", ")
                ~ ", _raw_file string, _raw_row bigint, _is_malformed boolean, _loaded_at timestamp) using parquet location "
                ~ sql_string(location.rstrip('/') ~ '/' ~ schema ~ '/raw_' ~ table_name)) -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
