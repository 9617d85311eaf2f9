-- One row per valid scheduled shift, with its length; attributed to the day / month it starts.
with

shifts as (

    select * from {{ ref('stg_workforce__agent_shifts') }}

),

final as (

    select
        shift_id,
        agent_id,
        shift_start_at,
        shift_end_at,
        {{ day_of('shift_start_at') }} as shift_date,
        {{ seconds_between('shift_start_at', 'shift_end_at') }} as scheduled_seconds
    from shifts

)

select * from final
