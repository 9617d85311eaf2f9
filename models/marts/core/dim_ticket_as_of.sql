{#- The as-of instant of SPEC parts D and E, published for BI tools and the dashboard: the
    moment the service-level statuses and the lifecycle's open spells are measured at. -#}
with

as_of as (

    select * from {{ ref('int_ticket_as_of') }}

),

final as (

    select
        as_of_at,
        {{ day_of('as_of_at') }} as as_of_date,
        first_created_at
    from as_of

)

select * from final
