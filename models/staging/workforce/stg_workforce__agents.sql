with

base as (

    select * from {{ ref('base_workforce__agents') }}
    where row_status = 'valid'

),

final as (

    select
        agent_id,
        agent_name,
        team,
        hourly_cost,
        hired_at
    from base

)

select * from final
