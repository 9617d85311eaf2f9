-- SPEC C: NPS split per month of submitted_at. responses = valid surveys with an nps_score;
-- the category of each answer is fct_survey_responses.nps_category.
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
        count(nps_score) as responses,
        sum(case when nps_category = 'promoter' then 1 else 0 end) as promoters,
        sum(case when nps_category = 'passive' then 1 else 0 end) as passives,
        sum(case when nps_category = 'detractor' then 1 else 0 end) as detractors
    from surveys
    group by 1

),

counted as (

    select
        months.period as month,
        cast(coalesce(monthly.responses, 0) as bigint) as responses,
        cast(coalesce(monthly.promoters, 0) as bigint) as promoters,
        cast(coalesce(monthly.passives, 0) as bigint) as passives,
        cast(coalesce(monthly.detractors, 0) as bigint) as detractors
    from months
    left join monthly
        on months.period = monthly.month

),

final as (

    select
        month,
        responses,
        promoters,
        passives,
        detractors,
        {{ pct('promoters', 'responses') }} as promoter_pct,
        {{ pct('passives', 'responses') }} as passive_pct,
        {{ pct('detractors', 'responses') }} as detractor_pct,
        {{ pct('promoters', 'responses') }} - {{ pct('detractors', 'responses') }} as nps
    from counted

)

select * from final
