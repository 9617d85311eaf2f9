-- The floor: the nine contracted marts of SPEC part C computed straight from the raw files by
-- one hand-written DuckDB script, no dbt, no intermediate tables kept, no tests. The benchmark
-- (bench/run.py) replaces {raw:<name>} with a reader of the raw files and times this script
-- in the same run as the dbt build; it also compares the marts with dbt's.
-- Same staging rules as the project (SPEC B): trim, ISO 8601 only, dedup, then validate.

create or replace macro ct(x) as nullif(trim(cast(x as varchar)), '');
create or replace macro cc(x) as lower(nullif(trim(cast(x as varchar)), ''));
create or replace macro iso(x) as regexp_full_match(x,
    '^([0-9]{4}-[0-9]{2}-[0-9]{2})[Tt ](([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9])(?:([.][0-9]{1,6})[0-9]*)?(?:[Zz]|([+-])(0[0-9]|1[0-4]):?([0-5][0-9])?)?$')
    and left(x, 4) <> '0000';
create or replace macro ts_any(x) as case when iso(x) then
    try_cast(regexp_replace(x, '^([0-9]{4}-[0-9]{2}-[0-9]{2})[Tt ](([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9])(?:([.][0-9]{1,6})[0-9]*)?(?:[Zz]|([+-])(0[0-9]|1[0-4]):?([0-5][0-9])?)?$', '\1 \2\4') as timestamp)
    - to_minutes(
        coalesce(try_cast(regexp_replace(x, '^.*[0-9]{2}:[0-9]{2}:[0-9]{2}(?:[.][0-9]+)?(?:[Zz]|([+-])(0[0-9]|1[0-4]):?([0-5][0-9])?)?$', '\1\2') as integer), 0) * 60
        + coalesce(try_cast(regexp_replace(x, '^.*[0-9]{2}:[0-9]{2}:[0-9]{2}(?:[.][0-9]+)?(?:[Zz]|([+-])(0[0-9]|1[0-4]):?([0-5][0-9])?)?$', '\1\3') as integer), 0))
    end;
-- SPEC B.2 v2: valid instants lie in [1970-01-01, 2100-01-01) UTC (a one-element list, so the
-- parse runs once per value).
create or replace macro ts(x) as
    list_filter([ts_any(x)], lambda t: t >= timestamp '1970-01-01' and t < timestamp '2100-01-01')[1];
create or replace macro int_ok(x) as x is null or regexp_full_match(x, '[+-]?[0-9]{1,18}');
create or replace macro num_ok(x) as x is null or regexp_full_match(x, '[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)');
create or replace macro ts_ok(x) as x is null or ts(x) is not null;
create or replace macro pct(n, d) as case when d > 0 then 100.0 * n / d end;

-- Valid rows --------------------------------------------------------------------------------
create or replace temp table customers as
with parsed as (
    select ct(customer_id) as customer_id, cc(segment) as segment, ct(signup_at) as s_t,
        ct(churned_at) as c_t, ct(updated_at) as u_t, ts(ct(signup_at)) as signup_at,
        ts(ct(churned_at)) as churned_at, ts(ct(updated_at)) as updated_at,
        md5(cast(to_json(r) as varchar)) as fp
    from {raw:customers} as r
), ranked as (
    select *, row_number() over (partition by customer_id order by updated_at desc, fp desc) as rn
    from parsed where customer_id is not null and updated_at is not null
)
select customer_id, signup_at, churned_at, updated_at from ranked
where rn = 1 and signup_at is not null and ts_ok(c_t)
    and (segment is null or segment in ('consumer', 'smb', 'enterprise'))
    and not coalesce(churned_at < signup_at, false);

create or replace temp table tickets as
with parsed as (
    select ct(ticket_id) as ticket_id, ct(customer_id) as customer_id, cc(channel) as channel,
        cc(category) as category, cc(priority) as priority, cc(status) as status,
        ct(created_at) as cr_t, ct(first_response_at) as fr_t, ct(resolved_at) as rs_t,
        ct(agent_replies) as ar_t, ct(reopened_count) as ro_t, ct(handle_seconds) as hs_t,
        ts(ct(created_at)) as created_at, ts(ct(first_response_at)) as first_response_at,
        ts(ct(resolved_at)) as resolved_at, ts(ct(updated_at)) as updated_at,
        md5(cast(to_json(r) as varchar)) as fp
    from {raw:tickets} as r
), ranked as (
    select *, row_number() over (partition by ticket_id order by updated_at desc, fp desc) as rn
    from parsed where ticket_id is not null and updated_at is not null
)
select ticket_id, customer_id, status, created_at, first_response_at, resolved_at, updated_at,
    coalesce(cast(ar_t as bigint), 0) as agent_replies, coalesce(cast(ro_t as bigint), 0) as reopened_count,
    status in ('solved', 'closed') as is_resolved
from ranked
where rn = 1 and status in ('new', 'open', 'pending', 'on_hold', 'solved', 'closed')
    and created_at is not null and ts_ok(fr_t) and ts_ok(rs_t)
    and (channel is null or channel in ('email', 'chat', 'web', 'social'))
    and (category is null or category in ('billing', 'technical', 'shipping', 'returns', 'account', 'other'))
    and (priority is null or priority in ('low', 'normal', 'high', 'urgent'))
    and int_ok(ar_t) and int_ok(ro_t) and int_ok(hs_t)
    and coalesce(cast(ar_t as bigint), 0) >= 0 and coalesce(cast(ro_t as bigint), 0) >= 0
    and coalesce(cast(hs_t as bigint), 0) >= 0
    and not coalesce(first_response_at < created_at, false)
    and not coalesce(resolved_at < created_at, false)
    and not (status in ('solved', 'closed') and resolved_at is null);

create or replace temp table calls as
with parsed as (
    select ct(call_id) as call_id, ct(customer_id) as customer_id, cc(direction) as direction,
        cc(category) as category, cc(disposition) as disposition,
        ct(started_at) as st_t, ct(answered_at) as an_t, ct(ended_at) as en_t,
        ct(talk_seconds) as tk, ct(hold_seconds) as hd, ct(wrap_seconds) as wr, ct(quality_score) as qs,
        ts(ct(started_at)) as started_at, ts(ct(answered_at)) as answered_at, ts(ct(ended_at)) as ended_at,
        md5(cast(to_json(r) as varchar)) as fp
    from {raw:calls} as r
), deduplicated as (
    select *, row_number() over (partition by call_id order by fp) as rn,
        min(fp) over (partition by call_id) <> max(fp) over (partition by call_id) as conflicting
    from parsed where call_id is not null
)
select call_id, customer_id, direction, disposition, started_at, answered_at, ended_at,
    coalesce(cast(tk as bigint), 0) + coalesce(cast(hd as bigint), 0) + coalesce(cast(wr as bigint), 0) as handle_seconds
from deduplicated
where rn = 1 and not conflicting
    and direction in ('inbound', 'outbound') and started_at is not null and ended_at is not null
    and ts_ok(an_t)
    and (category is null or category in ('billing', 'technical', 'shipping', 'returns', 'account', 'other'))
    and (disposition is null or disposition in ('resolved', 'escalated', 'callback', 'transferred', 'abandoned', 'failed'))
    and int_ok(tk) and int_ok(hd) and int_ok(wr) and int_ok(qs)
    and coalesce(cast(tk as bigint), 0) >= 0 and coalesce(cast(hd as bigint), 0) >= 0
    and coalesce(cast(wr as bigint), 0) >= 0 and coalesce(cast(qs as bigint) between 0 and 100, true)
    and not coalesce(answered_at < started_at, false) and not coalesce(ended_at < started_at, false)
    and not coalesce(ended_at < answered_at, false);

create or replace temp table surveys as
with parsed as (
    select ct(response_id) as response_id, cc(channel) as channel, ct(submitted_at) as sb_t,
        ct(nps_score) as n_t, ct(csat_score) as c_t, ct(ces_score) as e_t,
        ts(ct(submitted_at)) as submitted_at, md5(cast(to_json(r) as varchar)) as fp
    from {raw:surveys} as r
), deduplicated as (
    select *, row_number() over (partition by response_id order by fp) as rn,
        min(fp) over (partition by response_id) <> max(fp) over (partition by response_id) as conflicting
    from parsed where response_id is not null
)
select submitted_at, cast(n_t as bigint) as nps_score, cast(c_t as bigint) as csat_score,
    cast(e_t as bigint) as ces_score
from deduplicated
where rn = 1 and not conflicting and submitted_at is not null
    and (channel is null or channel in ('email', 'sms', 'in_app', 'web'))
    and int_ok(n_t) and int_ok(c_t) and int_ok(e_t)
    and coalesce(cast(n_t as bigint) between 0 and 10, true)
    and coalesce(cast(c_t as bigint) between 1 and 5, true)
    and coalesce(cast(e_t as bigint) between 1 and 7, true);

create or replace temp table orders as
with parsed as (
    select ct(order_id) as order_id, ct(customer_id) as customer_id, cc(status) as status,
        ts(ct(ordered_at)) as ordered_at, ts(ct(updated_at)) as updated_at,
        md5(cast(to_json(r) as varchar)) as fp
    from {raw:orders} as r
), ranked as (
    select *, row_number() over (partition by order_id order by updated_at desc, fp desc) as rn
    from parsed where order_id is not null and updated_at is not null
)
select order_id, customer_id, status, ordered_at, updated_at from ranked
where rn = 1 and customer_id is not null and ordered_at is not null
    and status in ('completed', 'cancelled', 'refunded');

create or replace temp table products as
with parsed as (
    select ct(product_id) as product_id, cc(product_line) as product_line, ct(tier) as t_t,
        ct(list_price) as lp, md5(cast(to_json(r) as varchar)) as fp
    from {raw:products} as r
), deduplicated as (
    select *, row_number() over (partition by product_id order by fp) as rn,
        min(fp) over (partition by product_id) <> max(fp) over (partition by product_id) as conflicting
    from parsed where product_id is not null
)
select product_id, product_line, cast(t_t as bigint) as tier from deduplicated
where rn = 1 and not conflicting and product_line is not null and t_t is not null
    and int_ok(t_t) and cast(t_t as bigint) between 1 and 3 and num_ok(lp);

create or replace temp table order_items as
with parsed as (
    select ct(order_id) as order_id, ct(line_number) as line_number, ct(product_id) as product_id,
        ct(quantity) as q_t, ct(unit_price) as p_t, md5(cast(to_json(r) as varchar)) as fp
    from {raw:order_items} as r
), deduplicated as (
    select *, row_number() over (partition by order_id, line_number order by fp) as rn,
        min(fp) over (partition by order_id, line_number) <> max(fp) over (partition by order_id, line_number) as conflicting
    from parsed where order_id is not null and line_number is not null
)
select d.order_id, d.product_id, cast(d.q_t as bigint) * cast(d.p_t as double) as amount,
    p.product_line, p.tier
from deduplicated as d
inner join orders as o on d.order_id = o.order_id
inner join products as p on d.product_id = p.product_id
where d.rn = 1 and not d.conflicting and d.q_t is not null and d.p_t is not null
    and int_ok(d.q_t) and num_ok(d.p_t) and cast(d.q_t as bigint) > 0 and cast(d.p_t as double) >= 0;

-- Contacts ----------------------------------------------------------------------------------
create or replace temp table contacts as
with unioned as (
    select customer_id, created_at as start_at, 'ticket' as kind,
        is_resolved as eligible_kind, is_resolved and agent_replies = 1 and reopened_count = 0 as first_touch
    from tickets
    union all
    select customer_id, started_at, 'call', true, coalesce(disposition = 'resolved', false)
    from calls where direction = 'inbound' and answered_at is not null
)
select *,
    customer_id is not null and min(start_at) over (partition by customer_id order by start_at
        range between interval 1 microsecond following and interval 7 days following) is not null as followed_up,
    customer_id is not null and max(start_at) over (partition by customer_id order by start_at
        range between interval 7 days preceding and interval 1 microsecond preceding) is not null as repeat_visit
from unioned;

-- Marts ---------------------------------------------------------------------------------------
create or replace macro months(first_at, last_at) as table
    select cast(m as date) as month from range(date_trunc('month', first_at), date_trunc('month', last_at) + interval 1 month, interval 1 month) as t(m);
create or replace macro days(first_at, last_at) as table
    select cast(d as date) as day from range(date_trunc('day', first_at), date_trunc('day', last_at) + interval 1 day, interval 1 day) as t(d);

create or replace table floor_kpi_nps_monthly as
with agg as (
    select cast(date_trunc('month', submitted_at) as date) as month, count(nps_score) as responses,
        count(*) filter (where nps_score >= 9) as promoters,
        count(*) filter (where nps_score between 7 and 8) as passives,
        count(*) filter (where nps_score <= 6) as detractors
    from surveys group by 1
)
select m.month, coalesce(responses, 0) as responses, coalesce(promoters, 0) as promoters,
    coalesce(passives, 0) as passives, coalesce(detractors, 0) as detractors,
    pct(promoters, responses) as promoter_pct, pct(passives, responses) as passive_pct,
    pct(detractors, responses) as detractor_pct, pct(promoters, responses) - pct(detractors, responses) as nps
from months((select min(submitted_at) from surveys), (select max(submitted_at) from surveys)) as m
left join agg using (month);

create or replace table floor_kpi_csat_monthly as
with agg as (
    select cast(date_trunc('month', submitted_at) as date) as month, count(csat_score) as csat_responses,
        count(*) filter (where csat_score >= 4) as sat, count(*) filter (where csat_score <= 2) as neg,
        count(ces_score) as ces_responses, avg(ces_score) as avg_ces
    from surveys group by 1
)
select m.month, coalesce(csat_responses, 0) as csat_responses, pct(sat, csat_responses) as csat_pct,
    pct(neg, csat_responses) as negative_feedback_pct, coalesce(ces_responses, 0) as ces_responses,
    avg_ces
from months((select min(submitted_at) from surveys), (select max(submitted_at) from surveys)) as m
left join agg using (month);

create or replace table floor_kpi_fcr_monthly as
with agg as (
    select cast(date_trunc('month', start_at) as date) as month,
        count(*) filter (where customer_id is not null and eligible_kind) as eligible_contacts,
        count(*) filter (where customer_id is not null and eligible_kind and first_touch and not followed_up) as fcr_contacts
    from contacts group by 1
)
select m.month, coalesce(eligible_contacts, 0) as eligible_contacts, coalesce(fcr_contacts, 0) as fcr_contacts,
    pct(fcr_contacts, eligible_contacts) as fcr_rate
from months((select min(start_at) from contacts), (select max(start_at) from contacts)) as m
left join agg using (month);

create or replace table floor_kpi_repeat_visits_monthly as
with per_customer as (
    select cast(date_trunc('month', start_at) as date) as month, customer_id, count(*) as n,
        count(*) filter (where repeat_visit) as repeats
    from contacts where customer_id is not null group by 1, 2
), agg as (
    select month, sum(n) as contacts, sum(repeats) as repeat_contacts, count(*) as contacting_customers,
        count(*) filter (where n >= 2) as repeat_customers
    from per_customer group by 1
)
select m.month, coalesce(contacts, 0) as contacts, coalesce(repeat_contacts, 0) as repeat_contacts,
    pct(repeat_contacts, contacts) as repeat_visit_rate, coalesce(contacting_customers, 0) as contacting_customers,
    coalesce(repeat_customers, 0) as repeat_customers
from months((select min(start_at) from contacts), (select max(start_at) from contacts)) as m
left join agg using (month);

create or replace table floor_kpi_churn_monthly as
with as_of as (
    select max(t) as t from (
        select greatest(signup_at, coalesce(churned_at, signup_at), updated_at) as t from customers
        union all select greatest(created_at, coalesce(first_response_at, created_at), coalesce(resolved_at, created_at), updated_at) from tickets
        union all select greatest(started_at, coalesce(answered_at, started_at), ended_at) from calls
        union all select submitted_at from surveys
        union all select greatest(ordered_at, updated_at) from orders
    )
), grid as (
    select month, cast(month as timestamp) as m_start, cast(month as timestamp) + interval 1 month as m_next
    from months((select min(signup_at) from customers), (select t from as_of))
)
select g.month,
    count(c.customer_id) filter (where c.signup_at < g.m_start and (c.churned_at is null or c.churned_at >= g.m_start)) as active_customers_start,
    count(c.customer_id) filter (where c.signup_at >= g.m_start and c.signup_at < g.m_next) as new_customers,
    count(c.customer_id) filter (where c.signup_at < g.m_start and c.churned_at >= g.m_start and c.churned_at < g.m_next) as churned_customers,
    pct(churned_customers, active_customers_start) as churn_rate,
    100 - pct(churned_customers, active_customers_start) as retention_rate
from grid as g
left join customers as c on c.signup_at < g.m_next
group by g.month order by g.month;

create or replace temp table completed as
with revenue as (
    select order_id, sum(amount) as revenue from order_items group by 1
)
select o.order_id, o.customer_id, o.ordered_at, cast(date_trunc('month', o.ordered_at) as date) as month,
    coalesce(r.revenue, 0) as revenue,
    o.ordered_at > min(o.ordered_at) over (partition by o.customer_id) as is_repeat
from orders as o left join revenue as r using (order_id)
where o.status = 'completed';

create or replace table floor_kpi_repeat_sales_monthly as
with agg as (
    select month, count(*) as orders, sum(revenue) as revenue,
        count(*) filter (where is_repeat) as repeat_orders, coalesce(sum(revenue) filter (where is_repeat), 0) as repeat_revenue,
        count(distinct customer_id) as ordering_customers,
        count(distinct customer_id) filter (where is_repeat) as repeat_customers
    from completed group by 1
)
select m.month, coalesce(orders, 0) as orders, coalesce(revenue, 0) as revenue,
    coalesce(repeat_orders, 0) as repeat_orders, coalesce(repeat_revenue, 0) as repeat_revenue,
    pct(repeat_orders, orders) as repeat_sales_rate, coalesce(ordering_customers, 0) as ordering_customers,
    coalesce(repeat_customers, 0) as repeat_customers, pct(repeat_customers, ordering_customers) as repeat_customer_rate
from months((select min(ordered_at) from orders), (select max(ordered_at) from orders)) as m
left join agg using (month);

create or replace table floor_kpi_cross_sell_upsell_monthly as
with items as (
    select c.customer_id, c.ordered_at, c.month, c.is_repeat, i.product_line, i.tier
    from completed as c inner join order_items as i using (order_id)
), instants as (
    -- highest tier of each line in the customer's strictly earlier completed orders
    select customer_id, product_line, ordered_at,
        max(max(tier)) over (partition by customer_id, product_line order by ordered_at
            rows between unbounded preceding and 1 preceding) as prior_max_tier
    from items group by customer_id, product_line, ordered_at
), lines as (
    select items.*, instants.prior_max_tier
    from items inner join instants using (customer_id, product_line, ordered_at)
), flags as (
    select month, customer_id,
        bool_or(prior_max_tier is null) as cross_sell, bool_or(tier > prior_max_tier) as upsell
    from lines where is_repeat group by 1, 2
), repeaters as (
    select month, count(distinct customer_id) as repeat_customers from completed where is_repeat group by 1
), agg as (
    select r.month, r.repeat_customers,
        count(*) filter (where f.cross_sell) as cross_sell_customers,
        count(*) filter (where f.upsell) as upsell_customers
    from repeaters as r left join flags as f using (month) group by 1, 2
)
select m.month, coalesce(repeat_customers, 0) as repeat_customers,
    coalesce(cross_sell_customers, 0) as cross_sell_customers, coalesce(upsell_customers, 0) as upsell_customers,
    pct(cross_sell_customers, repeat_customers) as cross_sell_rate, pct(upsell_customers, repeat_customers) as upsell_rate
from months((select min(ordered_at) from orders), (select max(ordered_at) from orders)) as m
left join agg using (month);

create or replace table floor_kpi_ticket_ops_daily as
with bounds as (
    select min(d) as first_at, max(d) as last_at from (
        select created_at as d from tickets union all select resolved_at from tickets where is_resolved
    )
), created as (
    select cast(created_at as date) as day, count(*) as n,
        avg((epoch_us(first_response_at) - epoch_us(created_at)) / 60e6) as avg_fr,
        median((epoch_us(first_response_at) - epoch_us(created_at)) / 60e6) as med_fr
    from tickets group by 1
), resolved as (
    select cast(resolved_at as date) as day, count(*) as n,
        avg((epoch_us(resolved_at) - epoch_us(created_at)) / 3600e6) as avg_res
    from tickets where is_resolved group by 1
), grid as (
    select day from days((select first_at from bounds), (select last_at from bounds))
)
select g.day, coalesce(c.n, 0) as tickets_created, coalesce(r.n, 0) as tickets_resolved,
    sum(coalesce(c.n, 0) - coalesce(r.n, 0)) over (order by g.day) as backlog_end_of_day,
    c.avg_fr as avg_first_response_minutes, c.med_fr as median_first_response_minutes,
    r.avg_res as avg_resolution_hours
from grid as g left join created as c using (day) left join resolved as r using (day);

create or replace table floor_kpi_call_ops_daily as
with agg as (
    select cast(started_at as date) as day,
        count(*) filter (where direction = 'inbound') as inbound_calls,
        count(*) filter (where direction = 'inbound' and answered_at is not null) as answered_calls,
        count(*) filter (where direction = 'inbound' and answered_at is null and disposition = 'abandoned') as abandoned_calls,
        count(*) filter (where direction = 'inbound' and disposition = 'failed') as failed_calls,
        count(*) filter (where direction = 'inbound' and answered_at is not null
            and date_diff('microsecond', started_at, answered_at) <= 20000000) as within_sl,
        avg(date_diff('microsecond', started_at, answered_at) / 1e6) filter (where direction = 'inbound' and answered_at is not null) as asa,
        avg(handle_seconds) filter (where direction = 'inbound' and answered_at is not null) as aht
    from calls group by 1
)
select d.day, coalesce(inbound_calls, 0) as inbound_calls, coalesce(answered_calls, 0) as answered_calls,
    coalesce(abandoned_calls, 0) as abandoned_calls, coalesce(failed_calls, 0) as failed_calls,
    pct(abandoned_calls, inbound_calls) as abandonment_rate, pct(within_sl, inbound_calls) as service_level_pct,
    asa as avg_speed_of_answer_seconds, cast(aht as double) as avg_handle_time_seconds
from days((select min(started_at) from calls), (select max(started_at) from calls)) as d
left join agg using (day);
