{#
    Row checks of SPEC part B rule 2, as lists of (condition, reason) pairs.
    A staging model adds the lists it needs and passes them to reject_reason_columns.
    Reasons are "<rule>:<column>" or a named cross-column rule, stable for dashboards.
    Parsed columns are named <column>, their trimmed raw text <column>_text.
#}
{% macro required_checks(columns) -%}
    {%- set checks = [] -%}
    {%- for column in columns -%}
        {%- do checks.append((column ~ '_text is null', 'missing_required:' ~ column)) -%}
    {%- endfor -%}
    {{ return(checks) }}
{%- endmacro %}

{#- Timestamps are also range-checked (SPEC B.2 v2), right after the unparseable checks. -#}
{% macro unparseable_checks(columns, kind) -%}
    {%- set checks = [] -%}
    {%- for column in columns -%}
        {%- do checks.append(
            (column ~ '_text is not null and ' ~ column ~ ' is null', 'unparseable_' ~ kind ~ ':' ~ column)
        ) -%}
    {%- endfor -%}
    {%- if kind == 'timestamp' -%}
        {%- for column in columns -%}
            {%- do checks.append((timestamp_out_of_range(column), 'out_of_range:' ~ column)) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(checks) }}
{%- endmacro %}

{#-
    SPEC B.2 (v2): a timestamp outside [min_valid_timestamp, max_valid_timestamp), by default
    [1970-01-01T00:00:00Z, 2100-01-01T00:00:00Z), is out of range. NULL is never out of range.
-#}
{% macro timestamp_out_of_range(column) -%}
    ({{ column }} < cast('{{ var("min_valid_timestamp") }}' as timestamp)
    or {{ column }} >= cast('{{ var("max_valid_timestamp") }}' as timestamp))
{%- endmacro %}

{# columns: {column: [lowest, highest]}, none for an open end. #}
{% macro range_checks(bounds) -%}
    {%- set checks = [] -%}
    {%- for column, range in bounds.items() -%}
        {%- set parts = [] -%}
        {%- if range[0] is not none -%}{%- do parts.append(column ~ ' < ' ~ range[0]) -%}{%- endif -%}
        {%- if range[1] is not none -%}{%- do parts.append(column ~ ' > ' ~ range[1]) -%}{%- endif -%}
        {%- do checks.append(('(' ~ parts | join(' or ') ~ ')', 'out_of_range:' ~ column)) -%}
    {%- endfor -%}
    {{ return(checks) }}
{%- endmacro %}

{# categories: {column: [allowed values]}; the column holds the cleaned (trimmed, lower) value. #}
{% macro category_checks(categories) -%}
    {%- set checks = [] -%}
    {%- for column, allowed in categories.items() -%}
        {%- do checks.append(
            (column ~ " not in ('" ~ allowed | join("', '") ~ "')", 'invalid_value:' ~ column)
        ) -%}
    {%- endfor -%}
    {{ return(checks) }}
{%- endmacro %}

{#
    reject_reason: the first failing check (in list order) of a candidate row;
    reject_reasons: all failing checks, separated by "; ".
    A NULL comparison (empty optional field) never fails a check.
#}
{% macro reject_reason_columns(checks, applies_when='true') -%}
    case when {{ applies_when }} then
        case
            {%- for condition, reason in checks %}
            when {{ condition }} then '{{ reason }}'
            {%- endfor %}
        end
    end as check_reason,
    case when {{ applies_when }} then
        nullif(concat_ws('; '
            {%- for condition, reason in checks %},
            case when {{ condition }} then '{{ reason }}' end
            {%- endfor %}
        ), '')
    end as check_reasons
{%- endmacro %}
