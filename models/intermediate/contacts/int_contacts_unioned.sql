-- Contacts (SPEC part C): every valid ticket (start = created_at) and every answered inbound
-- call (start = started_at), side by side with what the KPI rules need.
-- A view: its readers filter it to the customers an incremental run touches.
{{ config(materialized='view') }}
with

tickets as (

    select * from {{ ref('stg_helpdesk__tickets') }}

),

calls as (

    select * from {{ ref('stg_phone__calls') }}

),

ticket_contacts as (

    select
        'ticket-' || ticket_id as contact_id,
        'ticket' as contact_type,
        ticket_id,
        cast(null as {{ dbt.type_string() }}) as call_id,
        customer_id,
        agent_id,
        channel,
        category,
        created_at as contact_start_at,
        cast(handle_seconds as bigint) as handle_seconds,
        is_resolved as is_resolved_contact,
        is_resolved and agent_replies = 1 and reopened_count = 0 as is_resolved_on_first_touch
    from tickets

),

call_contacts as (

    select
        'call-' || call_id as contact_id,
        'call' as contact_type,
        ticket_id,
        call_id,
        customer_id,
        agent_id,
        'phone' as channel,
        category,
        started_at as contact_start_at,
        cast(handle_seconds as bigint) as handle_seconds,
        true as is_resolved_contact,
        coalesce(disposition = 'resolved', false) as is_resolved_on_first_touch
    from calls
    where is_answered_inbound

),

final as (

    select * from ticket_contacts
    union all
    select * from call_contacts

)

select * from final
