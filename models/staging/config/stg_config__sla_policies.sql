{#-
    SPEC D service-level policies, one row per ticket priority. A priority outside the ticket
    priorities, a duplicate priority, a target that is not an integer > 0, or business_hours
    other than true/false stops the build naming the row.
-#}
{%- set duplicates -%}
    select
        'priority=' || lower(trim(priority)) as row_label,
        'priority appears ' || cast(count(*) as {{ dbt.type_string() }}) || ' times' as reason
    from {{ ref('sla_policies') }}
    group by lower(trim(priority))
    having count(*) > 1
{%- endset -%}
{{ raise_config_errors('sla_policies',
    ['priority', 'first_response_target_minutes', 'resolution_target_minutes', 'business_hours'], [
    ("lower(trim(priority)) not in ('low', 'normal', 'high', 'urgent') or priority is null",
        'priority must be one of low, normal, high, urgent'),
    ("not " ~ regex_full_match('trim(first_response_target_minutes)', '[0-9]{1,9}'),
        'first_response_target_minutes must be an integer > 0'),
    (dbt.safe_cast('trim(first_response_target_minutes)', 'bigint') ~ " <= 0",
        'first_response_target_minutes must be an integer > 0'),
    ("not " ~ regex_full_match('trim(resolution_target_minutes)', '[0-9]{1,9}'),
        'resolution_target_minutes must be an integer > 0'),
    (dbt.safe_cast('trim(resolution_target_minutes)', 'bigint') ~ " <= 0",
        'resolution_target_minutes must be an integer > 0'),
    ("lower(trim(business_hours)) not in ('true', 'false') or business_hours is null",
        'business_hours must be true or false'),
], extra_query=duplicates) }}

with

source as (

    select * from {{ ref('sla_policies') }}

),

final as (

    select
        lower(trim(priority)) as priority,
        cast(trim(first_response_target_minutes) as bigint) as first_response_target_minutes,
        cast(trim(resolution_target_minutes) as bigint) as resolution_target_minutes,
        lower(trim(business_hours)) = 'true' as is_business_hours
    from source

)

select * from final
