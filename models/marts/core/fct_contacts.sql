{#-
    One row per contact (valid ticket or answered inbound call) with the follow-up,
    repeat-visit and FCR flags of SPEC part C, per customer:
    - followed up: another contact of the same customer with c.start < d.start <= c.start + 7 days;
    - repeat visit: another contact e with c.start - 7 days <= e.start < c.start.
    The nearest strictly later / earlier start of the customer decides both, so the distinct
    starts per customer are ranked once (no quadratic self-join). Contacts without a customer
    are neither.
    Incremental: a run recomputes every contact of the customers touched since the last run
    (macros/marts/incremental_groups.sql), so a late contact updates its neighbours' flags.
    The sequencing happens here, not in an intermediate table, so each touched contact is
    written once per run.
-#}
{{ config(
    materialized='incremental',
    unique_key='contact_id',
    incremental_strategy=base_incremental_strategy(),
    on_schema_change='fail',
    pre_hook="{{ delete_touched_groups('contacts') }}",
) }}
{%- set window_days = var('follow_up_window_days') -%}
{%- set watermark = computed_watermark() -%}
{%- set recompute = recompute_all(change_feeds('contacts'), watermark) %}

with

contacts as (

    -- incremental: only the customers touched since the last run, whole
    select * from {{ ref('int_contacts_unioned') }}
    {% if not recompute -%}
    where {{ touched_contacts_filter(watermark) }}
    {%- endif %}

),

customer_starts as (

    select distinct
        customer_id,
        contact_start_at
    from contacts
    where customer_id is not null

),

neighbours as (

    select
        customer_id,
        contact_start_at,
        lead(contact_start_at) over customer_timeline as next_start_at,
        lag(contact_start_at) over customer_timeline as previous_start_at
    from customer_starts
    window customer_timeline as (partition by customer_id order by contact_start_at)

),

sequenced as (

    select
        contacts.*,
        contacts.customer_id is not null as has_customer,
        coalesce(
            neighbours.next_start_at <= {{ dbt.dateadd('day', window_days, 'contacts.contact_start_at') }},
            false
        ) as is_followed_up,
        coalesce(
            neighbours.previous_start_at >= {{ dbt.dateadd('day', -window_days, 'contacts.contact_start_at') }},
            false
        ) as is_repeat_visit,
        neighbours.next_start_at as next_contact_start_at,
        neighbours.previous_start_at as previous_contact_start_at
    from contacts
    left join neighbours
        on
            contacts.customer_id = neighbours.customer_id
            and contacts.contact_start_at = neighbours.contact_start_at

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
    from sequenced

)

select * from final
