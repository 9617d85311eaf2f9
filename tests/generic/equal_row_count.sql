{#- The model has as many rows as compare_model (optionally filtered): nothing lost between layers. -#}
{% test equal_row_count(model, compare_model, compare_filter='true') %}

with

model_rows as (

    select count(*) as row_count from {{ model }}

),

compare_rows as (

    select count(*) as row_count from {{ compare_model }} where {{ compare_filter }}

)

select
    model_rows.row_count as model_row_count,
    compare_rows.row_count as compare_row_count
from model_rows
cross join compare_rows
where model_rows.row_count <> compare_rows.row_count

{% endtest %}
