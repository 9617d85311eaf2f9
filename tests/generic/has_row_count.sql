{#- The model has exactly `expected` rows. -#}
{% test has_row_count(model, expected) %}

select count(*) as row_count
from {{ model }}
having count(*) <> {{ expected }}

{% endtest %}
