{#
    The reporting time zone (SPEC D, var reporting_timezone: an IANA name, default UTC).
    - to_local_time(ts): the wall-clock time in the zone of a UTC instant (timestamp without
      zone), by the zone's rules at that instant (daylight saving included);
    - local_to_utc(local_ts): the UTC instant of a wall-clock time in the zone.
    With UTC both return their argument unchanged, so the default build is exactly part C.
    One macro per engine: DuckDB (ICU), PostgreSQL (`at time zone`), Spark.
#}
{% macro reporting_timezone() -%}
    {{ return(var('reporting_timezone', 'UTC') | string | trim) }}
{%- endmacro %}

{% macro is_utc_reporting() -%}
    {{ return(reporting_timezone() in ['UTC', 'Etc/UTC']) }}
{%- endmacro %}

{% macro to_local_time(timestamp_expression) -%}
    {%- if is_utc_reporting() -%}
        {{ timestamp_expression }}
    {%- else -%}
        {{ adapter.dispatch('to_local_time', 'cs_kpi')(timestamp_expression, reporting_timezone()) }}
    {%- endif -%}
{%- endmacro %}

{% macro local_to_utc(local_expression) -%}
    {%- if is_utc_reporting() -%}
        {{ local_expression }}
    {%- else -%}
        {{ adapter.dispatch('local_to_utc', 'cs_kpi')(local_expression, reporting_timezone()) }}
    {%- endif -%}
{%- endmacro %}

{% macro duckdb__to_local_time(timestamp_expression, zone) -%}
    timezone({{ sql_string(zone) }}, timezone('UTC', {{ timestamp_expression }}))
{%- endmacro %}

{% macro duckdb__local_to_utc(local_expression, zone) -%}
    timezone('UTC', timezone({{ sql_string(zone) }}, {{ local_expression }}))
{%- endmacro %}

{% macro default__to_local_time(timestamp_expression, zone) -%}
    (({{ timestamp_expression }}) at time zone 'UTC') at time zone {{ sql_string(zone) }}
{%- endmacro %}

{% macro default__local_to_utc(local_expression, zone) -%}
    (({{ local_expression }}) at time zone {{ sql_string(zone) }}) at time zone 'UTC'
{%- endmacro %}

{% macro spark__to_local_time(timestamp_expression, zone) -%}
    from_utc_timestamp({{ timestamp_expression }}, {{ sql_string(zone) }})
{%- endmacro %}

{% macro spark__local_to_utc(local_expression, zone) -%}
    to_utc_timestamp({{ local_expression }}, {{ sql_string(zone) }})
{%- endmacro %}


{#- on-run-start: the zone must be one the engine knows (a typo would shift every month). -#}
{% macro check_reporting_timezone() -%}
    {%- if execute and not is_utc_reporting() and target.type == 'duckdb' -%}
        {%- set found = run_query("select count(*) from pg_timezone_names() where name = "
            ~ sql_string(reporting_timezone())).columns[0].values()[0] -%}
        {%- if found == 0 -%}
            {{ exceptions.raise_compiler_error("var reporting_timezone: '" ~ reporting_timezone()
                ~ "' is not an IANA time zone name (e.g. UTC, America/New_York, Europe/Berlin)") }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- on-run-start on Spark: timestamps are parsed and stored as UTC instants only when the
    session time zone is UTC (profiles.yml sets it; a cluster's profile must too). -#}
{% macro check_session_time_zone() -%}
    {%- if execute and target.type == 'spark' -%}
        {%- set zone = run_query("select current_timezone()").columns[0].values()[0] -%}
        {%- if zone not in ['UTC', 'Etc/UTC', 'Z', '+00:00'] -%}
            {{ exceptions.raise_compiler_error("Spark session time zone is " ~ zone ~ ": set spark.sql.session.timeZone: UTC in the profile's server_side_parameters (timestamps are UTC instants; months use var reporting_timezone)") }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
