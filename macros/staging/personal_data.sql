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

{#- sha256 of the UTF-8 bytes as lower-case hex, as DuckDB's sha256 (dbt.hash is md5). -#}
{% macro default__hash_pii(column_name) -%}
    encode(sha256(convert_to((select salt from {{ pii_salt_relation() }}) || lower({{ clean_text(column_name) }}), 'UTF8')), 'hex')
{%- endmacro %}


{#-
    on-run-start on a server warehouse: the salt table must exist before any model hashes.
    When it is missing and CS_KPI_PII_SALT is not set, the server makes a random salt itself
    (gen_random_uuid, PostgreSQL 13+), so no secret is ever part of SQL text or a log. A salt
    from CS_KPI_PII_SALT is written by `python -m cs_kpi.load` (cs_kpi/loader.py), never by dbt.
    DuckDB's plugin writes the table when the warehouse opens (cs_kpi/dbt_plugin.py).
-#}
{#- 64 random hex characters, made by the server (never part of SQL text). -#}
{% macro default__random_salt() -%}
    replace(cast(gen_random_uuid() as text), '-', '') || replace(cast(gen_random_uuid() as text), '-', '')
{%- endmacro %}

{% macro spark__random_salt() -%}
    replace(uuid(), '-', '') || replace(uuid(), '-', '')
{%- endmacro %}

{#- sha256 as lower-case hex, as on the other engines. -#}
{% macro spark__hash_pii(column_name) -%}
    sha2((select salt from {{ pii_salt_relation() }}) || lower({{ clean_text(column_name) }}), 256)
{%- endmacro %}

{% macro ensure_pii_salt() -%}
    {%- if execute and target.type != 'duckdb' -%}
        {%- if not relation_exists('cs_kpi_meta', 'pii_salt') -%}
            {%- if env_var('CS_KPI_PII_SALT', '') and target.type == 'spark' -%}
                {#- Spark substitutes ${env:NAME} from the driver's environment when it parses
                    the statement: the SQL text (and dbt's log of it) holds only the name. -#}
                {%- do run_query("create schema if not exists cs_kpi_meta") -%}
                {%- do run_query("create table cs_kpi_meta.pii_salt as select '${env:CS_KPI_PII_SALT}' as salt") -%}
                {{ return('') }}
            {%- elif env_var('CS_KPI_PII_SALT', '') -%}
                {{ exceptions.raise_compiler_error("CS_KPI_PII_SALT is set but this warehouse has no salt table yet: run `python -m cs_kpi.load --salt-only` (or a load) once to store it in cs_kpi_meta.pii_salt") }}
            {%- endif -%}
            {%- do run_query("create schema if not exists cs_kpi_meta") -%}
            {%- do run_query("create table cs_kpi_meta.pii_salt as select " ~ adapter.dispatch('random_salt', 'cs_kpi')() ~ " as salt") -%}
            {{ log("cs_kpi: CS_KPI_PII_SALT is not set; the server made a random salt for hashing personal data in cs_kpi_meta.pii_salt (keep the table to keep hashes stable)", info=true) }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
