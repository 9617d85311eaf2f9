with

base as (

    select * from {{ ref('base_phone__calls') }}
    where row_status = 'valid'

),

final as (

    select
        call_id,
        customer_id,
        agent_id,
        direction,
        category,
        started_at,
        answered_at,
        ended_at,
        talk_seconds,
        hold_seconds,
        wrap_seconds,
        -- handle time (SPEC C): talk + hold + wrap; fct_calls and the contacts read it
        talk_seconds + hold_seconds + wrap_seconds as handle_seconds,
        disposition,
        ticket_id,
        cast(quality_score as integer) as quality_score,
        direction = 'inbound' as is_inbound,
        answered_at is not null as is_answered,
        direction = 'inbound' and answered_at is not null as is_answered_inbound,
        _classified_at
    from base

)

select * from final
