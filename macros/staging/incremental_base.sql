{#-
    Incremental staging base models: each raw file is a batch, loaded once.

    A base model keeps one row per raw row, keyed by (_raw_file, _raw_row): _raw_file is the
    batch id (file path, size and modification time; 'seed:raw_<name>' for the seeds) and
    _raw_row the row's number within it. An incremental run
    1. parses only the rows of batches not loaded yet (raw_source);
    2. adds the rows already loaded for the keys those rows touch (with_prior_versions), so
       a new version of a key is de-duplicated against every earlier version, whatever batch
       it came in (late-arriving and superseding rows);
    3. classifies them all again (classify_rows) and writes them with delete+insert on
       (_raw_file, _raw_row), stamping _classified_at with the run's start, which downstream
       models use to see what changed.
    Classification only looks within a key (and, for order items, at their order and
    product), so re-classifying the touched keys gives the same table as a full rebuild.
    The pre-hook reset_base_if_raw_replaced empties the table first when the seeds are the
    input (one batch that may have changed) or when a loaded file was replaced or removed.
-#}

{% macro base_incremental_strategy() -%}
    {{ return(adapter.dispatch('base_incremental_strategy', 'cs_kpi')()) }}
{%- endmacro %}

{% macro default__base_incremental_strategy() -%}
    {{ return('delete+insert') }}
{%- endmacro %}

{% macro bigquery__base_incremental_strategy() -%}
    {{ return('merge') }}
{%- endmacro %}

{% macro databricks__base_incremental_strategy() -%}
    {{ return('merge') }}
{%- endmacro %}

{#- Spark: merge needs a table format with row updates (var spark_file_format: delta,
    iceberg or hudi). With Spark's built-in formats (parquet, the default) a run rebuilds each
    incremental model and swaps it in with insert_overwrite (see is_incremental below). -#}
{% macro spark__base_incremental_strategy() -%}
    {{ return('merge' if spark_has_row_updates() else 'insert_overwrite') }}
{%- endmacro %}

{% macro spark_has_row_updates() -%}
    {{ return(var('spark_file_format', 'delta' if target.type == 'databricks' else 'parquet') | lower in ['delta', 'iceberg', 'hudi']) }}
{%- endmacro %}

{#-
    dbt's is_incremental(), except where the engine cannot update rows: on Spark with its
    built-in formats an incremental model selects all its rows (the first-build branch) and
    insert_overwrite (without partitions: the whole table) replaces the table with them. The
    incremental branches are unchanged on every other engine and on Delta, Iceberg or Hudi.
-#}
{% macro is_incremental() -%}
    {%- if target.type == 'spark' and not spark_has_row_updates() -%}
        {{ return(false) }}
    {%- endif -%}
    {{ return(dbt.is_incremental()) }}
{%- endmacro %}


{#- The run's start as a timestamp literal: the same value for every model of one invocation. -#}
{% macro classified_at() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp)
{%- endmacro %}


{#- Batch ids already in this model's table (empty when it does not exist yet). -#}
{% macro loaded_batches() -%}
    {%- if not execute or not is_incremental() -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set loaded = run_query('select distinct _raw_file from ' ~ this) -%}
    {{ return(loaded.columns[0].values() | list) }}
{%- endmacro %}


{#- True when every run re-reads the whole raw table: seeds, vendor mappings, tables not
    supplied, and source tables without the loader's batch columns. -#}
{% macro raw_is_single_batch(table_name) -%}
    {%- set mode = raw_table_input(table_name) -%}
    {{ return(mode in ['seeds', 'mapped', 'empty'] or (mode == 'source' and not source_has_batches(table_name))) }}
{%- endmacro %}


{#- Select body: the raw rows of batches not loaded yet, with _raw_file, _raw_row,
    _is_malformed and _source_reason (NULL except from a vendor mapping). -#}
{% macro raw_source(table_name) -%}
    {%- set seed_relation = ref('raw_' ~ table_name) -%}
    {%- set mode = raw_table_input(table_name) -%}
    {%- if mode == 'seeds' %}
    select
        seed_rows.*,
        'seed:raw_{{ table_name }}' as _raw_file,
        {{ row_number_in_table() }} as _raw_row,
        false as _is_malformed,
        cast(null as {{ dbt.type_string() }}) as _source_reason
    from {{ seed_relation }} as seed_rows
    {%- elif mode in ['mapped', 'empty'] %}
    {{ mapped_rows_select(table_name) }}
    {%- elif raw_is_single_batch(table_name) %}
    select
        source_rows.*,
        cast(null as {{ dbt.type_string() }}) as _source_reason
    from ({{ source_rows_select(table_name) }}) as source_rows
    {%- else -%}
        {%- set batches = raw_batches(table_name) -%}
        {%- set loaded = loaded_batches() -%}
        {%- set current_ids = batches | map('last') | list -%}
        {%- set replaced = [] -%}
        {%- for batch_id in loaded -%}
            {%- if batch_id not in current_ids -%}{%- do replaced.append(batch_id) -%}{%- endif -%}
        {%- endfor -%}
        {%- set new_batches = [] -%}
        {%- for path, batch_id in batches -%}
            {#- After a replaced batch the pre-hook empties the table: every batch is new. -#}
            {%- if replaced or batch_id not in loaded -%}{%- do new_batches.append((path, batch_id)) -%}{%- endif -%}
        {%- endfor -%}
        {%- if mode == 'source' %}
    select
        source_rows.*,
        cast(null as {{ dbt.type_string() }}) as _source_reason
    from ({{ source_rows_select(table_name, new_batches | map('last') | list) }}) as source_rows
        {%- else %}
    select
        raw_files.*,
        cast(null as {{ dbt.type_string() }}) as _source_reason
    from (
        {{ raw_files_select(table_name, new_batches if new_batches else [batches[0]]) }}
    ) as raw_files
            {%- if not new_batches %}
    where 1 = 0
            {%- endif %}
        {%- endif %}
    {%- endif %}
{%- endmacro %}


{#- Pre-hook: start from an empty table when the loaded batches can no longer be trusted. -#}
{% macro reset_base_if_raw_replaced(table_name) -%}
    {%- if execute and is_incremental() -%}
        {%- if raw_is_single_batch(table_name) -%}
            delete from {{ this }}
        {%- else -%}
            {%- set current = raw_batches(table_name) | map('last') | list -%}
            {%- set replaced = [] -%}
            {%- for batch_id in loaded_batches() -%}
                {%- if batch_id not in current -%}{%- do replaced.append(batch_id) -%}{%- endif -%}
            {%- endfor -%}
            {%- if replaced -%}
                {{ log("raw_" ~ table_name ~ ": " ~ replaced | length ~ " loaded batch(es) replaced or removed; reloading every batch", info=true) }}
                delete from {{ this }}
            {%- else -%}
                select 1 as no_reset
            {%- endif -%}
        {%- endif -%}
    {%- else -%}
        select 1 as no_reset
    {%- endif -%}
{%- endmacro %}


{#-
    Select body: `relation` (the new rows, parsed) plus, on an incremental run, the rows
    already in this table for the same keys, and for any extra condition `also_when` (SQL on
    the alias loaded_rows). `columns` are the columns the model stores (stored_column_list),
    both sides select them by name, in that order. Of those, `derived_columns` are computed
    after this step, so they are left out here. The trimmed texts <column>_text of
    `text_columns` are not stored: for stored rows they are re-read from raw_record, which
    holds every raw value as it arrived.
-#}
{% macro with_prior_versions(relation, key_columns, columns, derived_columns=[], also_when=none, text_columns=[]) -%}
    {%- set carried = [] -%}
    {%- for column in columns -%}
        {%- if column not in derived_columns -%}{%- do carried.append(column) -%}{%- endif -%}
    {%- endfor %}
    select
        {%- for column in carried %}
        {{ column }},
        {%- endfor %}
        {%- for column in text_columns %}
        {{ column }}_text{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ relation }}
    {%- if is_incremental() %}
    union all
    select
        {%- for column in carried %}
        loaded_rows.{{ column }},
        {%- endfor %}
        {%- for column in text_columns %}
        {{ clean_text(raw_record_value('loaded_rows.raw_record', column)) }} as {{ column }}_text{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ this }} as loaded_rows
    where
        exists (
            select 1
            from {{ relation }} as new_rows
            where
                {%- for key in key_columns %}
                new_rows.{{ key }} = loaded_rows.{{ key }}{{ ' and' if not loop.last }}
                {%- endfor %}
        )
        {%- if also_when %}
        or {{ also_when }}
        {%- endif %}
    {%- endif %}
{%- endmacro %}


{#- The text columns of the run: the trimmed raw text of each column in `columns`, as
    <column>_text, which the row checks test ("empty" vs "unparseable"). -#}
{% macro raw_texts(columns) -%}
    {%- for column in columns %}
        {{ clean_text(column) }} as {{ column }}_text{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}


{#- The columns a base model stores, in table order: the batch key, malformed flag and source
    reason, the
    model's own columns (`columns`, with raw_record where the model puts it), then the row
    status columns that final adds. -#}
{% macro stored_column_list(columns) -%}
    {{ return(['_raw_file', '_raw_row', '_is_malformed', '_source_reason'] + columns) }}
{%- endmacro %}


{#- Comma-separated select list of `columns` from `relation`. -#}
{% macro select_columns(relation, columns) -%}
    {%- for column in columns %}
        {{ relation }}.{{ column }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}


{#-
    on-run-start: a base table stored by an older layout of the project (without one of the
    batch columns of stored_column_list, e.g. _source_reason) cannot take this run's rows. It
    holds nothing the raw input does not, so it is dropped and this run builds it from the
    raw input again, as after a replaced batch (downstream models re-derive what it touched).
-#}
{% macro drop_outdated_base_tables() -%}
    {%- if execute and flags.WHICH in ['build', 'run'] and not flags.FULL_REFRESH -%}
        {%- set expected = stored_column_list([]) -%}
        {%- for node in graph.nodes.values() | sort(attribute='unique_id') -%}
            {%- if node.resource_type == 'model' and node.package_name == project_name
                and node.name.startswith('base_') and node.config.materialized == 'incremental' -%}
                {%- set present = relation_column_names(node.schema, node.alias) -%}
                {%- if present is not none -%}
                    {%- set missing = [] -%}
                    {%- for column in expected -%}
                        {%- if column not in present -%}{%- do missing.append(column) -%}{%- endif -%}
                    {%- endfor -%}
                    {%- if missing -%}
                        {{ log(node.schema ~ "." ~ node.alias ~ ": stored by an older layout (no " ~ missing | join(", ")
                            ~ "); rebuilt from the raw input", info=true) }}
                        {%- do adapter.drop_relation(api.Relation.create(
                            database=node.database, schema=node.schema, identifier=node.alias, type='table')) -%}
                    {%- endif -%}
                {%- endif -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
