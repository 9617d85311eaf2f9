{#
    Salted hash of a personal value (SPEC B.4), for use as a join key without clear text.
    The salt is var('pii_salt') (default from CS_KPI_PII_SALT, else a documented local value).
    Values are trimmed and lower-cased first so the same e-mail always gives the same hash.
#}
{% macro hash_pii(column_name) -%}
    {{ adapter.dispatch('hash_pii', 'cs_kpi')(column_name) }}
{%- endmacro %}

{% macro duckdb__hash_pii(column_name) -%}
    sha256('{{ var("pii_salt") }}' || lower({{ clean_text(column_name) }}))
{%- endmacro %}

{% macro default__hash_pii(column_name) -%}
    {{ dbt.hash("'" ~ var("pii_salt") ~ "' || lower(" ~ clean_text(column_name) ~ ")") }}
{%- endmacro %}
