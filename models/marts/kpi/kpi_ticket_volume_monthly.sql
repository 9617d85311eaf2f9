{#-
    Tickets by status, channel, category and priority per month of created_at: one row per
    month and combination that has tickets (a sparse cube: BI tools sum over the dimensions
    they do not show). Empty dimension values are reported as 'unknown'. status is the
    ticket's current status at the export.
-#}
with

tickets as (

    select * from {{ ref('fct_tickets') }}

),

final as (

    select
        {{ month_of('created_at') }} as month,
        status,
        coalesce(channel, 'unknown') as channel,
        coalesce(category, 'unknown') as category,
        coalesce(priority, 'unknown') as priority,
        cast(count(*) as bigint) as tickets_created,
        cast(sum(case when is_resolved then 1 else 0 end) as bigint) as tickets_resolved,
        cast(sum(case when is_reopened then 1 else 0 end) as bigint) as tickets_reopened,
        cast(avg(first_response_minutes) as {{ type_double() }}) as avg_first_response_minutes,
        cast(avg(resolution_hours) as {{ type_double() }}) as avg_resolution_hours
    from tickets
    group by 1, 2, 3, 4, 5

)

select * from final
