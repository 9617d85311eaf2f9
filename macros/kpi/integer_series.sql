{#
    Portable integer series 0 .. 10^digits - 1 (cross joins of ten digits): the base of the
    calendar, with no generate_series / range table function.
#}
{% macro integer_series(digits=6) -%}
    select
        {% for position in range(digits) -%}
        d{{ position }}.digit * {{ 10 ** position }}{{ " +" if not loop.last }}
        {% endfor -%}
        as n
    from
        {% for position in range(digits) -%}
        (
            select 0 as digit union all select 1 union all select 2 union all select 3
            union all select 4 union all select 5 union all select 6 union all select 7
            union all select 8 union all select 9
        ) as d{{ position }}{{ "\n        cross join" if not loop.last }}
        {% endfor %}
{%- endmacro %}
