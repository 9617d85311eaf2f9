{#- Freshdesk tickets -> raw_tickets: a generic mapping, described in
    _freshdesk__models.yml (config.meta.mapping; macro generic_mapping). -#}
with

final as (

    {{ generic_mapping('freshdesk', 'ticket') }}

)

select * from final
