-- One row per valid scheduled shift, with its length and labour cost; attributed to the day /
-- month it starts. labor_cost is the one place the cost rule lives (scheduled hours x the
-- agent's hourly_cost): the agent scorecard and the executive summary add it up.
with

shifts as (

    select * from {{ ref('stg_workforce__agent_shifts') }}

),

agents as (

    select * from {{ ref('stg_workforce__agents') }}

),

timed as (

    select
        shift_id,
        agent_id,
        shift_start_at,
        shift_end_at,
        {{ day_of('shift_start_at') }} as shift_date,
        {{ seconds_between('shift_start_at', 'shift_end_at') }} as scheduled_seconds
    from shifts

),

final as (

    select
        timed.shift_id,
        timed.agent_id,
        timed.shift_start_at,
        timed.shift_end_at,
        timed.shift_date,
        timed.scheduled_seconds,
        cast(timed.scheduled_seconds / 3600.0 * agents.hourly_cost as {{ type_double() }}) as labor_cost
    from timed
    left join agents
        on timed.agent_id = agents.agent_id

)

select * from final
