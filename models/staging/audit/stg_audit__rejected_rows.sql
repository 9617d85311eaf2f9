{#- One row per rejected raw row of every raw table, with its reason(s) and the raw row. -#}
{%- set bases = [] -%}
{%- for entry in raw_table_catalog() -%}
{%- do bases.append((entry['name'], entry['base'], entry['record_key'])) -%}
{%- endfor -%}

with

{% for raw_table, base_model, key_expression in bases %}
{{ raw_table }}_rejects as (

    select
        '{{ raw_table }}' as raw_table,
        {{ key_expression }} as record_key,
        reject_reason,
        reject_reasons,
        raw_record,
        _raw_file,
        _raw_row
    from {{ ref(base_model) }}
    where row_status = 'rejected'

),
{% endfor %}

unioned as (

    {% for raw_table, base_model, key_expression in bases %}
    select * from {{ raw_table }}_rejects
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

final as (

    select
        raw_table,
        record_key,
        {{ dbt.split_part('reject_reason', "':'", 1) }} as reject_rule,
        reject_reason,
        reject_reasons,
        raw_record,
        {{ dbt.split_part('_raw_file', "'|'", 1) }} as raw_file,
        _raw_row as raw_row,
        md5(
            raw_table || '|' || raw_record || '|'
            || cast(
                row_number() over (partition by raw_table, raw_record order by reject_reasons)
                as {{ dbt.type_string() }}
            )
        ) as rejected_row_id
    from unioned

)

select * from final
