{#
    SPEC part B rule 1, in its order:
    1. a malformed CSV line, a row a vendor mapping could not map (_source_reason), or a row
       whose key (or updated_at, where the table has one) is
       empty, unparseable or (updated_at, a timestamp key of `timestamp_keys`) out of range
       is rejected (pre_reject_reason);
    2. the remaining rows are de-duplicated per key:
       - with updated_at: the latest updated_at wins; a row identical to the winner is a
         'duplicate', any other older version is 'superseded'. Ties on updated_at between
         different rows are broken by the row fingerprint (highest wins), so the result is
         deterministic whatever the file order; the losers are 'superseded';
       - without updated_at: identical rows collapse to one ('duplicate' for the others);
         a key whose rows differ is ambiguous and all its rows are rejected with
         'conflicting_duplicate_key';
    3. the surviving row of each key ('candidate') is validated afterwards by the caller.
    Emits the select body of a CTE reading `relation`, adding pre_reject_reason and dedup_status.
#}
{% macro deduplicate_rows(relation, key_columns, updated_at=none, timestamp_keys=[]) -%}
    {%- set key_list = key_columns | join(', ') -%}
    select
        *,
        case
            when pre_reject_reason is not null then 'rejected'
            {%- if updated_at is none %}
            when has_conflicting_versions then 'rejected'
            {%- endif %}
            when version_rank = 1 then 'candidate'
            when row_fingerprint = kept_fingerprint then 'duplicate'
            else 'superseded'
        end as dedup_status,
        coalesce(
            pre_reject_reason
            {%- if updated_at is none %},
            case when has_conflicting_versions then 'conflicting_duplicate_key' end
            {%- endif %}
        ) as dedup_reject_reason
    from (
        select
            *,
            row_number() over version_order as version_rank,
            first_value(row_fingerprint) over version_order as kept_fingerprint,
            {% if updated_at is none -%}
            min(row_fingerprint) over key_partition
            <> max(row_fingerprint) over key_partition as has_conflicting_versions
            {%- else -%}
            {#- versions are ordered by updated_at: a second window is not needed -#}
            false as has_conflicting_versions
            {%- endif %}
        from (
            select
                *,
                md5(raw_record) as row_fingerprint,
                case
                    when _is_malformed then 'malformed_csv_line'
                    when _source_reason is not null then _source_reason
                    {%- for column in key_columns %}
                    {%- if column in timestamp_keys %}
                    when {{ column }}_text is null then 'missing_key:{{ column }}'
                    when {{ column }} is null then 'unparseable_timestamp:{{ column }}'
                    when {{ timestamp_out_of_range(column) }} then 'out_of_range:{{ column }}'
                    {%- else %}
                    when {{ column }} is null then 'missing_key:{{ column }}'
                    {%- endif %}
                    {%- endfor %}
                    {%- if updated_at is not none %}
                    when {{ updated_at }}_text is null then 'missing_required:{{ updated_at }}'
                    when {{ updated_at }} is null then 'unparseable_timestamp:{{ updated_at }}'
                    when {{ timestamp_out_of_range(updated_at) }} then 'out_of_range:{{ updated_at }}'
                    {%- endif %}
                end as pre_reject_reason
            from {{ relation }}
        ) as keyed
        window
            {%- if updated_at is none %}
            key_partition as (partition by {{ key_list }}, pre_reject_reason),
            {%- endif %}
            version_order as (
                partition by {{ key_list }}, pre_reject_reason
                order by {% if updated_at is not none %}{{ updated_at }} desc, {% endif %}row_fingerprint desc
            )
    ) as ranked
{%- endmacro %}

{#
    Final row status of a staging base model: valid | superseded | duplicate | rejected,
    with the first reject reason and all of them.
#}
{% macro row_status_columns() -%}
    case
        when dedup_status = 'candidate' and check_reason is null then 'valid'
        when dedup_status = 'candidate' then 'rejected'
        else dedup_status
    end as row_status,
    coalesce(dedup_reject_reason, check_reason) as reject_reason,
    coalesce(dedup_reject_reason, check_reasons) as reject_reasons
{%- endmacro %}

{#-
    SPEC part B rules 1 and 2 in their order, for a staging base model: de-duplicate
    `relation` per key (deduplicate_rows), then validate the surviving candidate of each key
    against `checks` (reject_reason_columns). Select body for a CTE; follow it with
    row_status_columns() in the final select.
-#}
{% macro classify_rows(relation, key_columns, checks, updated_at=none, timestamp_keys=[]) -%}
    select
        *,
        {{ reject_reason_columns(checks, applies_when="dedup_status = 'candidate'") }}
    from (
        {{ deduplicate_rows(relation, key_columns, updated_at, timestamp_keys) }}
    ) as deduplicated
{%- endmacro %}
