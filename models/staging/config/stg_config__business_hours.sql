{#-
    SPEC D business hours: one row per open interval of an ISO weekday, local times as
    minutes after midnight. A bad row (weekday not 1-7, a time not HH:MM, opens_at not before
    closes_at, two intervals of a weekday overlapping) stops the build naming it.
-#}
{%- set hhmm = '([01][0-9]|2[0-3]):[0-5][0-9]' -%}
{%- set overlaps -%}
    with well_formed as (
        select
            trim(weekday) as weekday,
            trim(opens_at) as opens_at,
            trim(closes_at) as closes_at,
            row_number() over (order by trim(weekday), trim(opens_at), trim(closes_at)) as row_id
        from {{ ref('business_hours') }}
        where
            {{ regex_full_match('trim(opens_at)', hhmm) }}
            and {{ regex_full_match('trim(closes_at)', hhmm ~ '|24:00') }}
    )

    select
        'weekday=' || first_row.weekday || ', opens_at=' || first_row.opens_at
        || ', closes_at=' || first_row.closes_at as row_label,
        'overlaps the row opens_at=' || second_row.opens_at || ', closes_at='
        || second_row.closes_at || ' of the same weekday' as reason
    from well_formed as first_row
    inner join well_formed as second_row
        on
            first_row.weekday = second_row.weekday
            and first_row.row_id < second_row.row_id
            and first_row.opens_at < second_row.closes_at
            and second_row.opens_at < first_row.closes_at
{%- endset -%}
{{ raise_config_errors('business_hours', ['weekday', 'opens_at', 'closes_at'], [
    ("not " ~ regex_full_match('trim(weekday)', '[1-7]'), 'weekday must be 1 (Monday) .. 7 (Sunday)'),
    ("not " ~ regex_full_match('trim(opens_at)', hhmm), 'opens_at is not a local time HH:MM'),
    ("not " ~ regex_full_match('trim(closes_at)', hhmm ~ '|24:00'), 'closes_at is not a local time HH:MM (or 24:00)'),
    ("trim(opens_at) >= trim(closes_at)", 'opens_at must be before closes_at'),
], extra_query=overlaps) }}

with

source as (

    select * from {{ ref('business_hours') }}

),

final as (

    select
        cast(trim(weekday) as integer) as iso_weekday,
        trim(opens_at) as opens_at,
        trim(closes_at) as closes_at,
        {{ hhmm_minutes('trim(opens_at)') }} as opens_minute,
        {{ hhmm_minutes('trim(closes_at)') }} as closes_minute
    from source

)

select * from final
