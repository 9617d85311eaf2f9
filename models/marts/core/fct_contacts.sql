-- One row per contact (valid ticket or answered inbound call) with the FCR and repeat-visit flags.
with

contacts as (

    select * from {{ ref('int_contacts_sequenced') }}

),

final as (

    select
        contact_id,
        contact_type,
        ticket_id,
        call_id,
        customer_id,
        agent_id,
        channel,
        category,
        contact_start_at,
        {{ day_of('contact_start_at') }} as contact_date,
        handle_seconds,
        has_customer,
        is_resolved_contact,
        is_resolved_on_first_touch,
        is_followed_up,
        is_repeat_visit,
        has_customer and is_resolved_contact as is_fcr_eligible,
        has_customer and is_resolved_contact and is_resolved_on_first_touch and not is_followed_up
            as is_first_contact_resolution,
        next_contact_start_at,
        previous_contact_start_at
    from contacts

)

select * from final
