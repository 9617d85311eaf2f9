{#
    The one place that decides where raw data comes from (SPEC part A):
    - no raw_path var: the dbt seeds raw_<name> (every column loaded as text);
    - raw_path set: the files <raw_path>/raw_<name>.<raw_format> and any appended batches
      <raw_path>/raw_<name>__<batch>.<raw_format>, raw_format csv (default) or parquet.
    Files are read by the project's reader (cs_kpi/raw_reader.py, registered on the DuckDB
    connection by the cs_kpi dbt-duckdb plugin): fixed CSV dialect, header matched after
    trim/lower-case, missing optional columns NULL, malformed lines flagged (_is_malformed).
    raw_relation reads all of them (row counts, reconciliation); staging base models read
    the batches they have not loaded yet through raw_source (incremental_base.sql).
#}
{% macro raw_relation(table_name) -%}
    {%- set raw_path = var('raw_path', none) -%}
    {#- Always registered, so the dependency graph (and unit-test mocks) is the same either way. -#}
    {%- set seed_relation = ref('raw_' ~ table_name) -%}
    {%- if raw_path -%}
        ({{ raw_files_select(table_name, raw_batches(table_name)) }})
    {%- else -%}
        {{ seed_relation }}
    {%- endif -%}
{%- endmacro %}


{#- The nine raw tables of SPEC part A. -#}
{% macro raw_table_names() -%}
    {{ return([
        'customers', 'agents', 'agent_shifts', 'tickets', 'calls', 'surveys', 'orders',
        'order_items', 'products',
    ]) }}
{%- endmacro %}


{% macro raw_format() -%}
    {%- set raw_format = var('raw_format', 'csv') | lower -%}
    {%- if raw_format not in ['csv', 'parquet'] -%}
        {{ exceptions.raise_compiler_error(
            "var raw_format must be 'csv' or 'parquet', got '" ~ raw_format ~ "'") }}
    {%- endif -%}
    {{ return(raw_format) }}
{%- endmacro %}


{#- A SQL string literal. -#}
{% macro sql_string(value) -%}
    '{{ value | string | replace("'", "''") }}'
{%- endmacro %}


{#- Ask the cs_kpi plugin (cs_kpi/dbt_plugin.py) a question; its answer is JSON. -#}
{% macro raw_reader_call(function_sql) -%}
    {%- if target.type != 'duckdb' -%}
        {{ exceptions.raise_compiler_error(
            "raw_path reads files directly only on DuckDB. On " ~ target.type
            ~ ", load the raw files into the raw schema and run without raw_path.") }}
    {%- endif -%}
    {%- set answer = run_query('select ' ~ function_sql) -%}
    {{ return(fromjson(answer.columns[0].values()[0])) }}
{%- endmacro %}


{#- (path, batch id) of every raw file of a table when raw_path is set, sorted by path. -#}
{% macro raw_batches(table_name, required=true) -%}
    {%- set folder = var('raw_path').rstrip('/') -%}
    {%- if not execute -%}
        {{ return([(folder ~ '/raw_' ~ table_name ~ '.' ~ raw_format(), 'parse-time')]) }}
    {%- endif -%}
    {%- set listed = raw_reader_call('cs_kpi_raw_files(' ~ sql_string(folder) ~ ', '
        ~ sql_string(table_name) ~ ', ' ~ sql_string(raw_format()) ~ ')') -%}
    {%- if listed is mapping -%}
        {{ exceptions.raise_compiler_error(listed['error']) }}
    {%- endif -%}
    {%- if required and listed | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            folder ~ ": no raw file for table " ~ table_name ~ " (expected raw_" ~ table_name ~ "."
            ~ raw_format() ~ ", optionally with batches raw_" ~ table_name ~ "__<batch>." ~ raw_format() ~ ")") }}
    {%- endif -%}
    {%- set batches = [] -%}
    {%- for path, batch_id in listed -%}{%- do batches.append((path, batch_id)) -%}{%- endfor -%}
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
    {%- if execute and var('raw_path', none) -%}
        {%- set problems = [] -%}
        {%- for table_name in raw_table_names() -%}
            {%- set batches = raw_batches(table_name, required=false) -%}
            {%- if batches | length == 0 -%}
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
