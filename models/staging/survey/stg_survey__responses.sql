with

base as (

    select * from {{ ref('base_survey__responses') }}
    where row_status = 'valid'

),

final as (

    select
        response_id,
        customer_id,
        ticket_id,
        call_id,
        channel,
        submitted_at,
        cast(nps_score as integer) as nps_score,
        cast(csat_score as integer) as csat_score,
        cast(ces_score as integer) as ces_score,
        comment,
        _classified_at
    from base

)

select * from final
