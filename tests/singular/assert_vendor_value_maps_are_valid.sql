-- Every non-empty contract_value of the seed vendor_value_maps is a value the raw contract
-- accepts for its field (SPEC A lists); an empty one maps to NULL, allowed for optional fields.
{%- set allowed = {
    'ticket.status': ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'],
    'ticket.priority': ['low', 'normal', 'high', 'urgent'],
    'ticket.via_channel': ['email', 'chat', 'web', 'social'],
    'ticket.custom_category': ['billing', 'technical', 'shipping', 'returns', 'account', 'other'],
    'order.financial_status': ['completed', 'cancelled', 'refunded'],
} %}

with

value_maps as (

    select * from {{ ref('vendor_value_maps') }}

),

checked as (

    select
        vendor,
        field,
        source_value,
        contract_value,
        case
            {%- for field, values in allowed.items() %}
            when field = '{{ field }}'
                then lower(trim(contract_value)) in (
                    '{{ values | join("', '") }}'
                )
            {%- endfor %}
            else false
        end as is_known_value
    from value_maps

),

final as (

    select *
    from checked
    where
        not coalesce(is_known_value, false)
        and (
            nullif(trim(contract_value), '') is not null
            or field in ('ticket.status', 'order.financial_status')
        )

)

select * from final
