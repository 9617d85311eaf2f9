{#
    Validation of the SPEC D configuration seeds. raise_config_errors runs when the config
    staging model runs (after its seed is loaded, before anything reads it) and stops the
    build with one line per bad row, naming the seed, the row (its values: configuration,
    never personal data) and the rule it breaks.
    checks: list of (condition on the seed's trimmed text columns, message).
#}
{% macro raise_config_errors(seed_name, columns, checks, extra_query=none) -%}
    {#- Not loaded yet (a compile or lint without seeds): the model itself will say so. -#}
    {%- if execute and load_relation(ref(seed_name)) is not none -%}
        {%- set label -%}
            {%- for column in columns -%}
            '{{ column }}=' || coalesce(trim(cast({{ column }} as {{ dbt.type_string() }})), '<empty>'){{ " || ', ' || " if not loop.last }}
            {%- endfor -%}
        {%- endset -%}
        {%- set query -%}
            select row_label, reason from (
                select
                    {{ label }} as row_label,
                    case
                        {%- for condition, message in checks %}
                        when {{ condition }} then '{{ message }}'
                        {%- endfor %}
                    end as reason
                from {{ ref(seed_name) }}
            ) as checked
            where reason is not null
            {%- if extra_query %}
            union all
            select row_label, reason from (
                {{ extra_query }}
            ) as extra_checks
            {%- endif %}
            order by 1
        {%- endset -%}
        {%- set failures = run_query(query) -%}
        {%- if failures.rows | length > 0 -%}
            {%- set lines = [] -%}
            {%- for row in failures.rows -%}
                {%- do lines.append("seeds/" ~ seed_name ~ ".csv: row (" ~ row[0] ~ "): " ~ row[1]) -%}
            {%- endfor -%}
            {{ exceptions.raise_compiler_error("configuration error:\n  " ~ lines | join("\n  ")) }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- Full match of a regular expression, portable. -#}
{% macro regex_full_match(expression, pattern) -%}
    {{ adapter.dispatch('regex_full_match', 'cs_kpi')(expression, pattern) }}
{%- endmacro %}

{% macro duckdb__regex_full_match(expression, pattern) -%}
    coalesce(regexp_full_match({{ expression }}, '{{ pattern }}'), false)
{%- endmacro %}

{% macro default__regex_full_match(expression, pattern) -%}
    coalesce({{ expression }} ~ '^(?:{{ pattern }})$', false)
{%- endmacro %}

{% macro spark__regex_full_match(expression, pattern) -%}
    coalesce({{ expression }} rlike '^(?:{{ pattern }})$', false)
{%- endmacro %}

{#- Minutes after local midnight of a validated HH:MM text (24:00 = 1440). -#}
{% macro hhmm_minutes(expression) -%}
    (cast(substring({{ expression }}, 1, 2) as integer) * 60 + cast(substring({{ expression }}, 4, 2) as integer))
{%- endmacro %}
