{#
    The raw row as JSON text, exactly as it arrived (personal columns replaced by their
    salted hash), for the rejects model and for exact-duplicate detection.
#}
{% macro raw_record(columns, personal_columns=[]) -%}
    {{ adapter.dispatch('raw_record', 'cs_kpi')(columns, personal_columns) }}
{%- endmacro %}

{% macro duckdb__raw_record(columns, personal_columns) -%}
    cast(json_object(
        {%- for column in columns %}
        '{{ column }}',
        {% if column in personal_columns -%}
            {{ hash_pii(column) }}
        {%- else -%}
            cast({{ column }} as varchar)
        {%- endif -%}
        {{- "," if not loop.last }}
        {%- endfor %}
    ) as varchar)
{%- endmacro %}

{#- The same text as DuckDB's json_object, built by hand: '{"a":"x","b":null}' (no spaces,
    keys in column order), each value escaped by the engine's own JSON text function. -#}
{% macro default__raw_record(columns, personal_columns) -%}
    '{'
    {%- for column in columns %}
    || '"{{ column }}":' || coalesce({{ json_text(hash_pii(column) if column in personal_columns else "cast(" ~ column ~ " as " ~ dbt.type_string() ~ ")") }}, 'null')
    {{- " || ','" if not loop.last }}
    {%- endfor %}
    || '}'
{%- endmacro %}

{#- Spark: to_json of a struct, nulls kept (to_json drops them by default). -#}
{% macro spark__raw_record(columns, personal_columns) -%}
    to_json(named_struct(
        {%- for column in columns %}
        '{{ column }}',
        {% if column in personal_columns -%}
            {{ hash_pii(column) }}
        {%- else -%}
            cast({{ column }} as string)
        {%- endif -%}
        {{- "," if not loop.last }}
        {%- endfor %}
    ), map('ignoreNullFields', 'false'))
{%- endmacro %}


{#- A text value as a JSON string literal ("a\"b"), NULL for NULL. -#}
{% macro json_text(expression) -%}
    {{ adapter.dispatch('json_text', 'cs_kpi')(expression) }}
{%- endmacro %}

{% macro default__json_text(expression) -%}
    cast(to_json({{ expression }}) as {{ dbt.type_string() }})
{%- endmacro %}


{#- One value of a stored raw_record, as text (NULL when it arrived NULL). -#}
{% macro raw_record_value(record, column) -%}
    {{ adapter.dispatch('raw_record_value', 'cs_kpi')(record, column) }}
{%- endmacro %}

{% macro duckdb__raw_record_value(record, column) -%}
    json_extract_string({{ record }}, '$.{{ column }}')
{%- endmacro %}

{% macro default__raw_record_value(record, column) -%}
    (cast({{ record }} as json) ->> '{{ column }}')
{%- endmacro %}

{% macro spark__raw_record_value(record, column) -%}
    get_json_object({{ record }}, '$.{{ column }}')
{%- endmacro %}
