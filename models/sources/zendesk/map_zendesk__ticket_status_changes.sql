{#-
    Zendesk status history (Fivetran schema) -> raw_ticket_status_changes (SPEC E): the rows of
    ticket_field_history whose field_name is status, one raw row each; updated is changed_at,
    value is the status through the seed vendor_value_maps (Zendesk's hold is on_hold). A value
    the seed does not list is passed on as it is, so staging rejects it as an invalid status
    (SPEC E), and a row of a ticket Zendesk did not export is rejected as ticket_missing.
-#}

with

field_history as (

    {{ vendor_rows('zendesk', 'ticket_field_history') }}

),

status_rows as (

    select
        field_history.ticket_id,
        field_history.updated,
        field_history.value,
        field_history._raw_file,
        field_history._raw_row,
        field_history._is_malformed
    from field_history
    where lower(trim(field_history.field_name)) = 'status'

),

mapped as (

    select
        status_rows.ticket_id,
        status_rows.updated as changed_at,
        case
            when status_map.field is not null then {{ vendor_mapped_value('status_map') }}
            else status_rows.value
        end as status,
        status_rows._raw_file,
        status_rows._raw_row,
        status_rows._is_malformed,
        cast(null as {{ dbt.type_string() }}) as _source_reason
    from status_rows
    {{ vendor_value_join('status_map', 'zendesk', 'ticket.status', 'status_rows.value') }}

),

final as (

    select * from mapped

)

select * from final
