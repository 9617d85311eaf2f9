"""An independent reading of SPEC part E in plain Python, for cross-checking the lifecycle marts.

Written from the SPEC text, not from the SQL: staging of raw_ticket_status_changes row by row,
histories as sorted lists, business minutes summed interval by interval over local dates with
zoneinfo (no cumulative clock), the backlog by a bisect per ticket and day. Valid tickets come
from reference_kpis.load_valid (UTC instants as naive datetimes).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
from reference_kpis import clean, parse_ts

STATUSES = {"new", "open", "pending", "on_hold", "solved", "closed"}
RESOLVED = {"solved", "closed"}
MIN_TS, MAX_TS = dt.datetime(1970, 1, 1), dt.datetime(2100, 1, 1)
DEFAULT_HOURS = [(d, "09:00", "17:00") for d in range(1, 6)]


def stage_changes(raw: pd.DataFrame, tickets: pd.DataFrame) -> dict[str, list[tuple]]:
    """Valid changes per ticket, sorted: {ticket_id: [(changed_at, status), ...]}."""
    created = {t: pd.Timestamp(c).to_pydatetime() for t, c in
               zip(tickets["ticket_id"], tickets["created_at"], strict=True)}
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for record in raw.to_dict("records"):
        ticket_id = clean(record["ticket_id"])
        changed_at = parse_ts(clean(record["changed_at"]))
        if ticket_id is None or changed_at is None or not MIN_TS <= changed_at < MAX_TS:
            continue
        groups[(ticket_id, changed_at)].append(record)
    histories: dict[str, list[tuple]] = defaultdict(list)
    for (ticket_id, changed_at), rows in groups.items():
        identities = {tuple(None if v != v else v for v in r.values()) for r in rows}
        if len(identities) > 1:
            continue  # conflicting rows of one key: all rejected
        status = clean(rows[0]["status"])
        status = status.lower() if status else None
        if status not in STATUSES or ticket_id not in created or changed_at < created[ticket_id]:
            continue
        histories[ticket_id].append((changed_at, status))
    return {t: sorted(h) for t, h in histories.items()}


def business_seconds(t1: dt.datetime, t2: dt.datetime, zone: ZoneInfo,
                     hours: list[tuple[int, str, str]], holidays: set[dt.date]) -> float:
    """Length of the parts of [t1, t2) inside open intervals, seconds (naive UTC)."""
    utc = dt.UTC
    a, b = t1.replace(tzinfo=utc), t2.replace(tzinfo=utc)
    day = a.astimezone(zone).date() - dt.timedelta(days=1)
    last = b.astimezone(zone).date() + dt.timedelta(days=1)
    total = 0.0
    while day <= last:
        if day not in holidays:
            for weekday, opens, closes in hours:
                if weekday != day.isoweekday():
                    continue
                midnight = dt.datetime.combine(day, dt.time())
                start = midnight + dt.timedelta(minutes=int(opens[:2]) * 60 + int(opens[3:]))
                end = midnight + dt.timedelta(minutes=int(closes[:2]) * 60 + int(closes[3:]))
                start_at = start.replace(tzinfo=zone).astimezone(utc)
                end_at = end.replace(tzinfo=zone).astimezone(utc)
                total += max((min(b, end_at) - max(a, start_at)).total_seconds(), 0.0)
        day += dt.timedelta(days=1)
    return total


def lifecycle(tickets: pd.DataFrame, histories: dict[str, list[tuple]], zone_name: str = "UTC",
              hours: list[tuple[int, str, str]] | None = None,
              holidays: set[dt.date] | None = None) -> tuple[dict, dt.datetime]:
    """fct_ticket_lifecycle as {ticket_id: row} and the as-of instant."""
    zone, hours, holidays = ZoneInfo(zone_name), hours or DEFAULT_HOURS, holidays or set()
    stamps = [pd.Timestamp(v).to_pydatetime() for column in
              ("created_at", "first_response_at", "resolved_at", "updated_at")
              for v in tickets[column] if not pd.isna(v)]
    stamps += [c for h in histories.values() for c, _ in h]
    as_of = max(stamps)
    info = tickets.set_index("ticket_id")
    rows = {}
    for ticket_id, history in histories.items():
        created = pd.Timestamp(info.at[ticket_id, "created_at"]).to_pydatetime()
        spells = [(created, "new"), *history]
        minutes = defaultdict(float)
        business = defaultdict(float)
        for i, (start, status) in enumerate(spells):
            end = spells[i + 1][0] if i + 1 < len(spells) else as_of
            minutes[status] += (end - start).total_seconds() / 60.0
            business[status] += business_seconds(start, end, zone, hours, holidays) / 60.0
        resolutions, reopens = [], 0
        previous = "new"
        for changed_at, status in history:
            if status in RESOLVED and previous not in RESOLVED:
                resolutions.append(changed_at)
            if status not in RESOLVED and previous in RESOLVED:
                reopens += 1
            previous = status
        full = resolutions[-1] if resolutions and history[-1][1] in RESOLVED else None
        replies = int(info.at[ticket_id, "agent_replies"])
        touch = None
        if full is not None:
            touch = {1: "one_touch", 2: "two_touch"}.get(replies, "multi_touch" if replies >= 3 else None)
        rows[ticket_id] = {
            "created_at": created, "month": local_month(created, zone),
            **{f"{s}_minutes": minutes[s] for s in ("new", "open", "pending", "on_hold")},
            **{f"{s}_business_minutes": business[s] for s in ("new", "open", "pending", "on_hold")},
            "requester_wait_business_minutes": business["new"] + business["open"] + business["on_hold"],
            "agent_work_business_minutes": business["new"] + business["open"],
            "agent_wait_business_minutes": business["pending"],
            "resolutions": len(resolutions), "reopens": reopens,
            "first_resolved_at": resolutions[0] if resolutions else None,
            "full_resolved_at": full, "touch_class": touch, "history": history,
        }
    return rows, as_of


def local_month(instant: dt.datetime, zone: ZoneInfo) -> dt.date:
    return instant.replace(tzinfo=dt.UTC).astimezone(zone).date().replace(day=1)


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _median(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2.0


def kpi_lifecycle_monthly(rows: dict) -> pd.DataFrame:
    by_month = defaultdict(list)
    for row in rows.values():
        by_month[row["month"]].append(row)
    if not by_month:
        return pd.DataFrame()
    out = []
    month = min(by_month)
    while month <= max(by_month):
        x = by_month.get(month, [])
        resolved = [r for r in x if r["full_resolved_at"] is not None]
        with_resolution = [r for r in x if r["resolutions"] >= 1]
        reopened = [r for r in x if r["reopens"] >= 1]
        touch = defaultdict(int)
        for r in resolved:
            touch[r["touch_class"]] += 1

        def pct(n: int, d: int) -> float | None:
            return None if not d else 100.0 * n / d

        out.append({
            "month": month, "tickets_with_history": len(x), "resolved_tickets": len(resolved),
            "reopened_tickets": len(reopened), "tickets_with_resolution": len(with_resolution),
            "reopen_rate": pct(len(reopened), len(with_resolution)),
            "one_touch_tickets": touch["one_touch"], "two_touch_tickets": touch["two_touch"],
            "multi_touch_tickets": touch["multi_touch"],
            "one_touch_rate": pct(touch["one_touch"], len(resolved)),
            "avg_first_resolution_minutes": _mean([
                (r["first_resolved_at"] - r["created_at"]).total_seconds() / 60.0
                for r in x if r["first_resolved_at"] is not None]),
            "avg_full_resolution_minutes": _mean([
                (r["full_resolved_at"] - r["created_at"]).total_seconds() / 60.0 for r in resolved]),
            "avg_requester_wait_business_minutes": _mean(
                [r["requester_wait_business_minutes"] for r in resolved]),
            "median_requester_wait_business_minutes": _median(
                [r["requester_wait_business_minutes"] for r in resolved]),
            "avg_agent_work_business_minutes": _mean([r["agent_work_business_minutes"] for r in resolved]),
            "avg_agent_wait_business_minutes": _mean([r["agent_wait_business_minutes"] for r in resolved]),
            "avg_on_hold_business_minutes": _mean([r["on_hold_business_minutes"] for r in resolved]),
        })
        month = (pd.Timestamp(month) + pd.offsets.MonthBegin(1)).date()
    return pd.DataFrame(out)


def kpi_backlog_daily(rows: dict, as_of: dt.datetime, zone_name: str = "UTC") -> pd.DataFrame:
    zone = ZoneInfo(zone_name)
    if not rows:
        return pd.DataFrame()

    def local_day(t: dt.datetime) -> dt.date:
        return t.replace(tzinfo=dt.UTC).astimezone(zone).date()

    first = min(local_day(r["created_at"]) for r in rows.values())
    last = local_day(as_of)
    tickets = [(r["created_at"], [c for c, _ in r["history"]], [s for _, s in r["history"]])
               for r in rows.values()]
    out = []
    day = first
    while day <= last:
        midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time()).replace(tzinfo=zone)
        end = midnight.astimezone(dt.UTC).replace(tzinfo=None)
        counts = defaultdict(int)
        for created, moments, statuses in tickets:
            if created >= end:
                continue
            i = bisect.bisect_left(moments, end)  # changes strictly before E
            status = statuses[i - 1] if i else "new"
            if status in RESOLVED:
                continue
            counts["unresolved_tickets"] += 1
            counts[f"{status}_tickets"] += 1
            counts["aged_7_days_plus_tickets"] += created <= end - dt.timedelta(hours=168)
            counts["aged_30_days_plus_tickets"] += created <= end - dt.timedelta(hours=720)
        out.append({"day": day, **{k: counts[k] for k in (
            "unresolved_tickets", "new_tickets", "open_tickets", "pending_tickets",
            "on_hold_tickets", "aged_7_days_plus_tickets", "aged_30_days_plus_tickets")}})
        day += dt.timedelta(days=1)
    return pd.DataFrame(out)


def lifecycle_marts(raw_dir: Path, tickets: pd.DataFrame, zone_name: str = "UTC",
                    hours: list[tuple[int, str, str]] | None = None,
                    holidays: set[dt.date] | None = None) -> dict[str, pd.DataFrame]:
    path = raw_dir / "raw_ticket_status_changes.csv"
    raw = (pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""]) if path.exists()
           else pd.DataFrame(columns=["ticket_id", "changed_at", "status"]))
    histories = stage_changes(raw, tickets)
    rows, as_of = lifecycle(tickets, histories, zone_name, hours, holidays)
    return {"kpi_ticket_lifecycle_monthly": kpi_lifecycle_monthly(rows),
            "kpi_ticket_backlog_daily": kpi_backlog_daily(rows, as_of, zone_name),
            "fct_ticket_lifecycle": rows}
