{#-
    SPEC E: one row per valid ticket with a status history (int_ticket_status_spells), with
    its time in each unresolved status, the wait and work figures built from them, its
    resolutions and reopens and its touch class. Rebuilt each run: the last spell of every
    ticket ends at the as-of instant, which moves with every new row.
    - requester wait = new + open + on_hold, agent work = new + open, agent wait = pending
      (spells in solved or closed count nowhere), in calendar and business minutes;
    - first_resolved_at: the first resolution; full_resolved_at: the last resolution when the
      ticket's status at the as-of instant (its last spell) is solved or closed, else NULL;
    - touch_class (tickets with a full_resolved_at): agent_replies 1 one_touch, 2 two_touch,
      >= 3 multi_touch, else NULL.
-#}
with

tickets as (

    select * from {{ ref('stg_helpdesk__tickets') }}

),

spells as (

    select * from {{ ref('int_ticket_status_spells') }}

),

per_ticket as (

    select
        ticket_id,
        {%- for status in ['new', 'open', 'pending', 'on_hold'] %}
        sum(case when status = '{{ status }}' then calendar_minutes else 0 end) as {{ status }}_minutes,
        sum(case when status = '{{ status }}' then business_minutes else 0 end) as {{ status }}_business_minutes,
        {%- endfor %}
        sum(case when is_resolution then 1 else 0 end) as resolutions,
        sum(case when is_reopen then 1 else 0 end) as reopens,
        min(case when is_resolution then started_at end) as first_resolved_at,
        max(case when is_resolution then started_at end) as last_resolved_at,
        max(case when next_changed_at is null and is_resolved_status then 1 else 0 end) as ends_resolved
    from spells
    group by ticket_id

),

lifecycle as (

    select
        tickets.ticket_id,
        tickets.customer_id,
        tickets.agent_id,
        tickets.channel,
        tickets.category,
        tickets.priority,
        tickets.created_at,
        {{ day_of('tickets.created_at') }} as created_date,
        tickets.agent_replies,
        per_ticket.new_minutes,
        per_ticket.open_minutes,
        per_ticket.pending_minutes,
        per_ticket.on_hold_minutes,
        per_ticket.new_business_minutes,
        per_ticket.open_business_minutes,
        per_ticket.pending_business_minutes,
        per_ticket.on_hold_business_minutes,
        per_ticket.resolutions,
        per_ticket.reopens,
        per_ticket.first_resolved_at,
        case when per_ticket.ends_resolved = 1 then per_ticket.last_resolved_at end as full_resolved_at
    from tickets
    inner join per_ticket
        on tickets.ticket_id = per_ticket.ticket_id

),

final as (

    select
        ticket_id,
        customer_id,
        agent_id,
        channel,
        category,
        priority,
        created_at,
        created_date,
        agent_replies,
        cast(new_minutes as {{ type_double() }}) as new_minutes,
        cast(open_minutes as {{ type_double() }}) as open_minutes,
        cast(pending_minutes as {{ type_double() }}) as pending_minutes,
        cast(on_hold_minutes as {{ type_double() }}) as on_hold_minutes,
        cast(new_business_minutes as {{ type_double() }}) as new_business_minutes,
        cast(open_business_minutes as {{ type_double() }}) as open_business_minutes,
        cast(pending_business_minutes as {{ type_double() }}) as pending_business_minutes,
        cast(on_hold_business_minutes as {{ type_double() }}) as on_hold_business_minutes,
        cast(new_minutes + open_minutes + on_hold_minutes as {{ type_double() }}) as requester_wait_minutes,
        cast(new_business_minutes + open_business_minutes + on_hold_business_minutes as {{ type_double() }})
            as requester_wait_business_minutes,
        cast(new_minutes + open_minutes as {{ type_double() }}) as agent_work_minutes,
        cast(new_business_minutes + open_business_minutes as {{ type_double() }}) as agent_work_business_minutes,
        cast(pending_minutes as {{ type_double() }}) as agent_wait_minutes,
        cast(pending_business_minutes as {{ type_double() }}) as agent_wait_business_minutes,
        cast(resolutions as bigint) as resolutions,
        cast(reopens as bigint) as reopens,
        resolutions >= 1 as has_resolution,
        reopens >= 1 as is_reopened,
        first_resolved_at,
        full_resolved_at,
        full_resolved_at is not null as is_fully_resolved,
        cast({{ microseconds_between('created_at', 'first_resolved_at') }} as {{ type_double() }}) / 60000000.0
            as first_resolution_minutes,
        cast({{ microseconds_between('created_at', 'full_resolved_at') }} as {{ type_double() }}) / 60000000.0
            as full_resolution_minutes,
        case
            when full_resolved_at is null then null
            when agent_replies = 1 then 'one_touch'
            when agent_replies = 2 then 'two_touch'
            when agent_replies >= 3 then 'multi_touch'
        end as touch_class
    from lifecycle

)

select * from final
