-- SPEC C: CSAT and CES per month of submitted_at; satisfied and negative answers are
-- fct_survey_responses.is_csat_satisfied and is_csat_negative.
with

surveys as (

    select * from {{ ref('fct_survey_responses') }}

),

months as (

    {{ period_series('month', ref('fct_survey_responses'), 'min(submitted_at)', 'max(submitted_at)') }}

),

monthly as (

    select
        {{ month_of('submitted_at') }} as month,
        count(csat_score) as csat_responses,
        sum(case when is_csat_satisfied then 1 else 0 end) as satisfied_responses,
        sum(case when is_csat_negative then 1 else 0 end) as negative_responses,
        count(ces_score) as ces_responses,
        avg(cast(ces_score as {{ type_double() }})) as avg_ces
    from surveys
    group by 1

),

final as (

    select
        months.period as month,
        cast(coalesce(monthly.csat_responses, 0) as bigint) as csat_responses,
        {{ pct('monthly.satisfied_responses', 'monthly.csat_responses') }} as csat_pct,
        {{ pct('monthly.negative_responses', 'monthly.csat_responses') }} as negative_feedback_pct,
        cast(coalesce(monthly.ces_responses, 0) as bigint) as ces_responses,
        cast(monthly.avg_ces as {{ type_double() }}) as avg_ces
    from months
    left join monthly
        on months.period = monthly.month

)

select * from final
