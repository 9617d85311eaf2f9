{#
    Salted hash of a personal value (SPEC B.4), for use as a join key without clear text.
    The salt: var('pii_salt') if set, else the environment variable CS_KPI_PII_SALT (a
    secret in production), else the documented local default 'cs-kpi-local-development-salt'.
    Values are trimmed and lower-cased first so the same e-mail always gives the same hash.
#}
{% macro pii_salt() -%}
    {{- return(var('pii_salt', none) or env_var('CS_KPI_PII_SALT', 'cs-kpi-local-development-salt')) -}}
{%- endmacro %}

{% macro hash_pii(column_name) -%}
    {{ adapter.dispatch('hash_pii', 'cs_kpi')(column_name) }}
{%- endmacro %}

{% macro duckdb__hash_pii(column_name) -%}
    sha256('{{ pii_salt() }}' || lower({{ clean_text(column_name) }}))
{%- endmacro %}

{% macro default__hash_pii(column_name) -%}
    {{ dbt.hash("'" ~ pii_salt() ~ "' || lower(" ~ clean_text(column_name) ~ ")") }}
{%- endmacro %}
