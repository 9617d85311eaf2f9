{#-
    Zendesk tickets (Fivetran schema) -> raw_tickets (SPEC A), one row per ticket row.
    Derivations (DECISIONLOG "Zendesk tickets"):
    - status, priority, channel (via_channel), category (custom field) through the seed
      vendor_value_maps; a value it does not list -> _source_reason unmapped_value:<column>=<value>;
    - agent_replies: public comments by agents or admins, not counting the ticket's first
      comment (the request itself); first_response_at: the earliest of them;
    - resolved_at: the last time the status became solved (else closed) in the field history;
      a solved or closed ticket without such a change gets its updated_at;
    - reopened_count: status changes from solved or closed to any other status;
    - customer_id: the requester's external_id, else the one Shopify customer with the
      requester's email, else 'zendesk:' || requester_id;
    - handle_seconds: the Time Tracking app's total time spent;
    - a deleted ticket (status deleted or _fivetran_deleted) -> _source_reason deleted_in_source.
    Timestamps keep their source text; parsing them here only orders events.
-#}

with

tickets as (

    {{ vendor_rows('zendesk', 'ticket') }}

),

users as (

    {{ vendor_rows('zendesk', 'user') }}

),

comments as (

    {{ vendor_rows('zendesk', 'ticket_comment') }}

),

field_history as (

    {{ vendor_rows('zendesk', 'ticket_field_history') }}

),

shop_customers as (

    {{ vendor_rows('shopify', 'customer') }}

),

agent_users as (

    select distinct trim(users.id) as user_id
    from users
    where lower(trim(users.role)) in ('agent', 'admin')

),

ticket_comments as (

    select
        trim(comments.ticket_id) as ticket_id,
        trim(comments.id) as comment_id,
        trim(comments.created) as created_text,
        {{ parse_timestamp(clean_text('comments.created')) }} as created_at,
        {{ vendor_flag('comments.public') }} as is_public,
        agent_users.user_id is not null as is_agent_comment
    from comments
    left join agent_users
        on trim(comments.user_id) = agent_users.user_id
    where not {{ vendor_flag('comments._fivetran_deleted') }}

),

numbered_comments as (

    select
        *,
        row_number() over (partition by ticket_id order by created_at, comment_id) as comment_number
    from ticket_comments
    where created_at is not null

),

agent_replies as (

    select
        ticket_id,
        created_text,
        row_number() over (partition by ticket_id order by created_at, comment_id) as reply_number
    from numbered_comments
    where
        is_public
        and is_agent_comment
        and comment_number > 1

),

reply_summary as (

    select
        ticket_id,
        count(*) as agent_replies,
        max(case when reply_number = 1 then created_text end) as first_response_at
    from agent_replies
    group by ticket_id

),

status_changes as (

    select
        trim(field_history.ticket_id) as ticket_id,
        lower(trim(field_history.value)) as status_value,
        trim(field_history.updated) as changed_text,
        {{ parse_timestamp(clean_text('field_history.updated')) }} as changed_at
    from field_history
    where lower(trim(field_history.field_name)) = 'status'

),

ordered_changes as (

    select
        ticket_id,
        status_value,
        changed_text,
        status_value in ('solved', 'closed') as is_resolved_status,
        lag(status_value in ('solved', 'closed')) over (
            partition by ticket_id order by changed_at, status_value
        ) as was_resolved_status,
        row_number() over (
            partition by ticket_id, status_value order by changed_at desc
        ) as recency
    from status_changes
    where changed_at is not null

),

status_summary as (

    select
        ticket_id,
        sum(case when was_resolved_status and not is_resolved_status then 1 else 0 end) as reopened_count,
        max(case when status_value = 'solved' and recency = 1 then changed_text end) as last_solved_text,
        max(case when status_value = 'closed' and recency = 1 then changed_text end) as last_closed_text
    from ordered_changes
    group by ticket_id

),

requesters as (

    select
        trim(users.id) as user_id,
        nullif(trim(users.external_id), '') as external_id,
        lower(trim(users.email)) as email
    from users

),

shop_emails as (

    select
        lower(trim(shop_customers.email)) as email,
        min(trim(shop_customers.id)) as customer_id,
        count(distinct trim(shop_customers.id)) as matching_customers
    from shop_customers
    where
        nullif(trim(shop_customers.email), '') is not null
        and not {{ vendor_flag('shop_customers._fivetran_deleted') }}
    group by lower(trim(shop_customers.email))

),

joined as (

    select
        tickets.*,
        requesters.external_id as requester_external_id,
        case when shop_emails.matching_customers = 1 then shop_emails.customer_id end as email_customer_id,
        reply_summary.agent_replies as derived_agent_replies,
        reply_summary.first_response_at as derived_first_response_at,
        status_summary.reopened_count as derived_reopened_count,
        coalesce(status_summary.last_solved_text, status_summary.last_closed_text) as derived_resolved_at,
        {{ vendor_mapped_value('status_map') }} as mapped_status,
        {{ vendor_mapped_value('priority_map') }} as mapped_priority,
        {{ vendor_mapped_value('channel_map') }} as mapped_channel,
        {{ vendor_mapped_value('category_map') }} as mapped_category,
        coalesce(
            case
                when {{ vendor_flag('tickets._fivetran_deleted') }} or lower(trim(tickets.status)) = 'deleted'
                    then 'deleted_in_source'
            end,
            {{ vendor_unmapped_reason('status_map', 'status', 'tickets.status') }},
            {{ vendor_unmapped_reason('priority_map', 'priority', 'tickets.priority') }},
            {{ vendor_unmapped_reason('channel_map', 'via_channel', 'tickets.via_channel') }},
            {{ vendor_unmapped_reason('category_map', 'custom_category', 'tickets.custom_category') }}
        ) as source_reason
    from tickets
    left join requesters
        on trim(tickets.requester_id) = requesters.user_id
    left join shop_emails
        on requesters.email = shop_emails.email
    left join reply_summary
        on trim(tickets.id) = reply_summary.ticket_id
    left join status_summary
        on trim(tickets.id) = status_summary.ticket_id
    {{ vendor_value_join('status_map', 'zendesk', 'ticket.status', 'tickets.status') }}
    {{ vendor_value_join('priority_map', 'zendesk', 'ticket.priority', 'tickets.priority') }}
    {{ vendor_value_join('channel_map', 'zendesk', 'ticket.via_channel', 'tickets.via_channel') }}
    {{ vendor_value_join('category_map', 'zendesk', 'ticket.custom_category', 'tickets.custom_category') }}

),

final as (

    select
        trim(id) as ticket_id,
        case
            when nullif(trim(requester_id), '') is not null
                then coalesce(requester_external_id, email_customer_id, 'zendesk:' || trim(requester_id))
        end as customer_id,
        nullif(trim(assignee_id), '') as agent_id,
        mapped_channel as channel,
        mapped_category as category,
        mapped_priority as priority,
        mapped_status as status,
        created_at,
        derived_first_response_at as first_response_at,
        case
            when derived_resolved_at is not null then derived_resolved_at
            when mapped_status in ('solved', 'closed') then updated_at
        end as resolved_at,
        cast(coalesce(derived_agent_replies, 0) as {{ dbt.type_string() }}) as agent_replies,
        cast(coalesce(derived_reopened_count, 0) as {{ dbt.type_string() }}) as reopened_count,
        custom_total_time_spent_sec as handle_seconds,
        updated_at,
        _raw_file,
        _raw_row,
        _is_malformed,
        source_reason as _source_reason
    from joined

)

select * from final
