{{ config(
    materialized='incremental',
    unique_key='contact_id',
    incremental_strategy=base_incremental_strategy(),
    on_schema_change='fail',
    pre_hook="{{ delete_touched_groups('contacts') }}",
) }}
-- depends_on: {{ ref('base_helpdesk__tickets') }}
-- depends_on: {{ ref('base_phone__calls') }}
-- One row per contact (valid ticket or answered inbound call) with the FCR and repeat-visit flags.
-- Incremental: recomputes the customers touched since the last run (incremental_groups.sql).
{%- set watermark = computed_watermark() -%}
{%- set recompute = recompute_all(contact_base_models(), watermark) %}
with

contacts as (

    select * from {{ ref('int_contacts_sequenced') }}
    {% if not recompute -%}
    where {{ touched_contacts_filter(watermark) }}
    {%- endif %}

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
        previous_contact_start_at,
        {{ classified_at() }} as _computed_at
    from contacts

)

select * from final
