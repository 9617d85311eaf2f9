{#- A number for each row of a table read whole (seeds, source tables without the loader's
    batch columns): 1, 2, ... in the order the engine reads them. It only has to be unique;
    which row is kept among versions never depends on it (macros/staging/deduplicate.sql). -#}
{% macro row_number_in_table() -%}
    {{ adapter.dispatch('row_number_in_table', 'cs_kpi')() }}
{%- endmacro %}

{% macro default__row_number_in_table() -%}
    row_number() over ()
{%- endmacro %}

{#- Spark's ranking functions need an ordered window. -#}
{% macro spark__row_number_in_table() -%}
    row_number() over (order by monotonically_increasing_id())
{%- endmacro %}
