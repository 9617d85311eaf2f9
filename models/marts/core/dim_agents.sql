-- One row per valid agent. The agent's name stays in staging: marts identify agents by agent_id.
with

agents as (

    select * from {{ ref('stg_workforce__agents') }}

),

final as (

    select
        agent_id,
        team,
        hourly_cost,
        hired_at
    from agents

)

select * from final
