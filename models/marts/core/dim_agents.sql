{#
    One row per valid agent. The agent's name stays in staging (personal data): marts identify
    agents by agent_id and by agent_display_name, a pseudonym made of the team and the agent's
    place in it by hire date ("support #03": the third hire of team support). A pseudonym is
    stable while agents are only added with later hire dates; a back-dated hire renumbers the
    agents of its team hired after it.
#}
with

agents as (

    select * from {{ ref('stg_workforce__agents') }}

),

numbered as (

    select
        agent_id,
        team,
        hourly_cost,
        hired_at,
        row_number() over (partition by team order by hired_at, agent_id) as team_hire_number
    from agents

),

final as (

    select
        agent_id,
        team,
        coalesce(team, 'no team') || ' #'
        || lpad(cast(team_hire_number as {{ dbt.type_string() }}), 2, '0') as agent_display_name,
        hourly_cost,
        hired_at
    from numbered

)

select * from final
