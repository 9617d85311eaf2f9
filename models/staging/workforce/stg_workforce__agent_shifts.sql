with

base as (

    select * from {{ ref('base_workforce__agent_shifts') }}
    where row_status = 'valid'

),

final as (

    select
        shift_id,
        agent_id,
        shift_start as shift_start_at,
        shift_end as shift_end_at
    from base

)

select * from final
