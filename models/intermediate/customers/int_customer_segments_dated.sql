{{ config(
    materialized='incremental',
    unique_key=['customer_id', 'segment_type', 'from_month'],
    incremental_strategy=base_incremental_strategy(),
    on_schema_change='fail',
    pre_hook="{{ delete_touched_groups('segments') }}",
) }}
{#-
    Each customer's segment timeline for kpi_support_impact_monthly, one row per customer,
    segment_type and from_month:
    - latest_nps_category: the customer's latest NPS answer submitted strictly before a month
      start. The latest answer of a calendar month (ties at the same instant: the higher
      response_id) decides from the next month start on;
    - last_contact_fcr: the same with the customer's latest FCR-eligible contact (ties: the
      higher contact_id), segment resolved_first_contact / not_resolved_first_contact from its
      final FCR flag.
    A segment holds from from_month until until_month (the next row's from_month, exclusive;
    NULL = still holds). is_first_segment marks the first row: before it the customer has no
    answer (eligible contact).
    Incremental: a run recomputes every row of the customers touched since the last run by a
    new or changed ticket, call or survey (macros/marts/incremental_groups.sql, kind
    'segments'), so a follow-up that flips an earlier contact's FCR flag moves the timeline.
    A model of its own because this is the mart's expensive part (three windows over every
    contact and answer), which incremental runs then limit to the touched customers.
-#}
{%- set watermark = computed_watermark() -%}
{%- set recompute = recompute_all(change_feeds('segments'), watermark) %}

with

{% if not recompute -%}
touched_customers as (

    {{ touched_segment_customers(watermark) }}

),

{% endif -%}
nps_answers as (

    select
        customer_id,
        nps_category as segment,
        {{ next_month_start('submitted_at') }} as from_month,
        row_number() over (
            partition by customer_id, {{ month_of('submitted_at') }}
            order by submitted_at desc, response_id desc
        ) as recency_in_month
    from {{ ref('fct_survey_responses') }}
    where
        customer_id is not null
        and nps_category is not null
    {% if not recompute -%}
        and {{ in_touched_customers() }}
    {%- endif %}

),

fcr_contacts as (

    select
        customer_id,
        case
            when is_first_contact_resolution then 'resolved_first_contact'
            else 'not_resolved_first_contact'
        end as segment,
        {{ next_month_start('contact_start_at') }} as from_month,
        row_number() over (
            partition by customer_id, {{ month_of('contact_start_at') }}
            order by contact_start_at desc, contact_id desc
        ) as recency_in_month
    from {{ ref('fct_contacts') }}
    where
        is_fcr_eligible
    {% if not recompute -%}
        and {{ in_touched_customers() }}
    {%- endif %}

),

-- the latest answer (contact) of a month decides from the next month on
segment_starts as (

    select
        customer_id,
        'latest_nps_category' as segment_type,
        segment,
        from_month
    from nps_answers
    where recency_in_month = 1
    union all
    select
        customer_id,
        'last_contact_fcr' as segment_type,
        segment,
        from_month
    from fcr_contacts
    where recency_in_month = 1

),

final as (

    select
        customer_id,
        segment_type,
        segment,
        from_month,
        lead(from_month) over customer_timeline as until_month,
        lag(from_month) over customer_timeline is null as is_first_segment,
        {{ classified_at() }} as _computed_at
    from segment_starts
    window customer_timeline as (partition by customer_id, segment_type order by from_month)

)

select * from final
