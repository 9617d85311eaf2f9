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

{% macro spark__base_incremental_strategy() -%}
    {{ return('merge') }}
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


{#- Select body: the raw rows of batches not loaded yet, with _raw_file, _raw_row, _is_malformed. -#}
{% macro raw_source(table_name) -%}
    {%- set raw_path = var('raw_path', none) -%}
    {%- set seed_relation = ref('raw_' ~ table_name) -%}
    {%- if not raw_path %}
    select
        seed_rows.*,
        'seed:raw_{{ table_name }}' as _raw_file,
        row_number() over () as _raw_row,
        false as _is_malformed
    from {{ seed_relation }} as seed_rows
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
            {#- After a replaced file the pre-hook empties the table: every batch is new. -#}
            {%- if replaced or batch_id not in loaded -%}{%- do new_batches.append((path, batch_id)) -%}{%- endif -%}
        {%- endfor %}
    select * from (
        {{ raw_files_select(table_name, new_batches if new_batches else [batches[0]]) }}
    ) as raw_files
    {%- if not new_batches %}
    where 1 = 0
    {%- endif %}
    {%- endif %}
{%- endmacro %}


{#- Pre-hook: start from an empty table when the loaded batches can no longer be trusted. -#}
{% macro reset_base_if_raw_replaced(table_name) -%}
    {%- if execute and is_incremental() -%}
        {%- set raw_path = var('raw_path', none) -%}
        {%- if not raw_path -%}
            delete from {{ this }}
        {%- else -%}
            {%- set current = raw_batches(table_name) | map('last') | list -%}
            {%- set replaced = [] -%}
            {%- for batch_id in loaded_batches() -%}
                {%- if batch_id not in current -%}{%- do replaced.append(batch_id) -%}{%- endif -%}
            {%- endfor -%}
            {%- if replaced -%}
                {{ log("raw_" ~ table_name ~ ": " ~ replaced | length ~ " loaded file(s) replaced or removed; reloading every batch", info=true) }}
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
    the alias loaded_rows). Stored rows carry the derived columns in `derived_columns`, which are
    recomputed, so they are left out. The trimmed texts <column>_text of `text_columns` are
    not stored (final_columns leaves them out): they are re-read from the stored raw_record,
    which holds every raw value as it arrived. The union is by column name.
-#}
{% macro with_prior_versions(relation, key_columns, derived_columns=[], also_when=none, text_columns=[]) -%}
    {%- if is_incremental() -%}
        {%- set stored_only = derived_columns + ['row_status', 'reject_reason', 'reject_reasons', '_classified_at'] %}
    select * from {{ relation }}
    {{ union_all_by_name() }}
    select
        {{ star_except('loaded_rows', stored_only) }}
        {%- for column in text_columns %},
        {{ clean_text(raw_record_value('loaded_rows.raw_record', column)) }} as {{ column }}_text
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
    {%- else %}
    select * from {{ relation }}
    {%- endif %}
{%- endmacro %}


{#-
    The trimmed raw text of each column in `columns`, as <column>_text: what the row checks
    test ("empty" vs "unparseable"). Work columns of the run only; the table keeps raw_record.
-#}
{% macro raw_texts(columns) -%}
    {%- for column in columns %}
        {{ clean_text(column) }} as {{ column }}_text{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}


{#- The columns a base model stores: the classified rows without work and _text columns. -#}
{% macro stored_columns(relation, text_columns) -%}
    {%- set dropped = classification_work_columns() -%}
    {%- for column in text_columns -%}{%- do dropped.append(column ~ '_text') -%}{%- endfor -%}
    {{ star_except(relation, dropped) }}
{%- endmacro %}


{% macro union_all_by_name() -%}
    {{ adapter.dispatch('union_all_by_name', 'cs_kpi')() }}
{%- endmacro %}

{% macro duckdb__union_all_by_name() -%}
    union all by name
{%- endmacro %}

{% macro snowflake__union_all_by_name() -%}
    union all by name
{%- endmacro %}

{% macro default__union_all_by_name() -%}
    {{ exceptions.raise_compiler_error("union_all_by_name needs a dispatch for " ~ target.type) }}
{%- endmacro %}


{#- Every column of a CTE but the named ones. -#}
{% macro star_except(relation, columns) -%}
    {{ adapter.dispatch('star_except', 'cs_kpi')(relation, columns) }}
{%- endmacro %}

{% macro duckdb__star_except(relation, columns) -%}
    {{ relation }}.* exclude ({{ columns | join(', ') }})
{%- endmacro %}

{% macro snowflake__star_except(relation, columns) -%}
    {{ relation }}.* exclude ({{ columns | join(', ') }})
{%- endmacro %}

{% macro bigquery__star_except(relation, columns) -%}
    {{ relation }}.* except ({{ columns | join(', ') }})
{%- endmacro %}

{% macro default__star_except(relation, columns) -%}
    {{ exceptions.raise_compiler_error("star_except needs a dispatch for " ~ target.type) }}
{%- endmacro %}


{#- The columns classify_rows adds for its own use: left out of the base tables. -#}
{% macro classification_work_columns() -%}
    {{ return([
        'row_fingerprint', 'pre_reject_reason', 'version_rank', 'kept_fingerprint',
        'has_conflicting_versions', 'dedup_status', 'dedup_reject_reason', 'check_reason',
        'check_reasons',
    ]) }}
{%- endmacro %}
