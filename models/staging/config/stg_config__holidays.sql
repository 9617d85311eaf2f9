{#- SPEC D holidays: local dates closed all day. A date that is not YYYY-MM-DD stops the build. -#}
{{ raise_config_errors('holidays', ['holiday_date', 'name'], [
    ("not " ~ regex_full_match('trim(holiday_date)', '[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])'),
        'holiday_date is not a date YYYY-MM-DD'),
    (dbt.safe_cast('trim(holiday_date)', 'date') ~ " is null", 'holiday_date is not a calendar date'),
]) }}

with

source as (

    select * from {{ ref('holidays') }}

),

final as (

    select distinct
        cast(trim(holiday_date) as date) as holiday_date,
        trim(name) as holiday_name
    from source

)

select * from final
