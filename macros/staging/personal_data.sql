{#
    Salted hash of a personal value (SPEC B.4), for use as a join key without clear text.
    The salt is a secret that never appears in SQL: the cs_kpi dbt-duckdb plugin writes it to
    the table cs_kpi_meta.pii_salt when it opens the warehouse (cs_kpi/secrets.py: env
    CS_KPI_PII_SALT, else a random salt per warehouse kept in a git-ignored file), and the
    hash reads it from there. Values are trimmed and lower-cased first so the same e-mail
    always gives the same hash.
#}
{% macro pii_salt_relation() -%}
    cs_kpi_meta.pii_salt
{%- endmacro %}

{% macro hash_pii(column_name) -%}
    {{ adapter.dispatch('hash_pii', 'cs_kpi')(column_name) }}
{%- endmacro %}

{% macro duckdb__hash_pii(column_name) -%}
    sha256((select salt from {{ pii_salt_relation() }}) || lower({{ clean_text(column_name) }}))
{%- endmacro %}

{% macro default__hash_pii(column_name) -%}
    {{ dbt.hash("(select salt from " ~ pii_salt_relation() ~ ") || lower(" ~ clean_text(column_name) ~ ")") }}
{%- endmacro %}
