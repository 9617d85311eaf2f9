"""An independent implementation of SPEC parts B and C in pandas, for cross-checking the marts.

Written from the SPEC text, not from the SQL: row-by-row Python parsing, sorted-array
searches for the 7-day windows, explicit month loops. Slow but plain; fine for tests on a few
thousand rows. The one thing it does not re-implement is the tie-break between *different*
rows of a key with the same updated_at (SPEC is silent); it refuses data that has such ties.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

TS = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ]([01]\d|2[0-3]):([0-5]\d):([0-5]\d)(?:\.(\d{1,6})\d*)?"
    r"(?:[Zz]|([+-])(0\d|1[0-4]):?([0-5]\d)?)?$"
)
INT = re.compile(r"^[+-]?\d{1,18}$")
DEC = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
WEEK = timedelta(days=7)


def clean(value: object) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def parse_ts(text: str | None) -> datetime | None:
    if text is None:
        return None
    match = TS.match(text)
    if not match:
        return None
    y, mo, d, h, mi, s, frac, sign, oh, om = match.groups()
    try:
        local = datetime(int(y), int(mo), int(d), int(h), int(mi), int(s),
                         int((frac or "0").ljust(6, "0")))
    except ValueError:
        return None
    offset = timedelta(0)
    if sign:
        offset = timedelta(hours=int(oh), minutes=int(om or 0))
        offset = -offset if sign == "-" else offset
    return local - offset


def parse_int(text: str | None) -> int | None:
    return int(text) if text is not None and INT.match(text) else None


def parse_dec(text: str | None) -> float | None:
    return float(text) if text is not None and DEC.match(text) else None


@dataclass
class Rules:
    key: list[str]
    required: list[str]
    timestamps: list[str] = field(default_factory=list)
    ints: dict[str, tuple[int | None, int | None, bool]] = field(default_factory=dict)
    decimals: dict[str, float | None] = field(default_factory=dict)
    categories: dict[str, set[str]] = field(default_factory=dict)
    has_updated_at: bool = False


CATEGORY = {"billing", "technical", "shipping", "returns", "account", "other"}
RULES = {
    "customers": Rules(["customer_id"], ["signup_at"], ["signup_at", "churned_at"],
                       categories={"segment": {"consumer", "smb", "enterprise"}},
                       has_updated_at=True),
    "agents": Rules(["agent_id"], [], ["hired_at"], decimals={"hourly_cost": 0.0}),
    "agent_shifts": Rules(["shift_id"], ["agent_id", "shift_start", "shift_end"],
                          ["shift_start", "shift_end"]),
    "tickets": Rules(
        ["ticket_id"], ["status", "created_at"],
        ["created_at", "first_response_at", "resolved_at"],
        ints={"agent_replies": (0, None, True), "reopened_count": (0, None, True),
              "handle_seconds": (0, None, True)},
        categories={"channel": {"email", "chat", "web", "social"}, "category": CATEGORY,
                    "priority": {"low", "normal", "high", "urgent"},
                    "status": {"new", "open", "pending", "on_hold", "solved", "closed"}},
        has_updated_at=True),
    "calls": Rules(
        ["call_id"], ["direction", "started_at", "ended_at"],
        ["started_at", "answered_at", "ended_at"],
        ints={"talk_seconds": (0, None, True), "hold_seconds": (0, None, True),
              "wrap_seconds": (0, None, True), "quality_score": (0, 100, False)},
        categories={"direction": {"inbound", "outbound"}, "category": CATEGORY,
                    "disposition": {"resolved", "escalated", "callback", "transferred",
                                    "abandoned", "failed"}}),
    "surveys": Rules(
        ["response_id"], ["submitted_at"], ["submitted_at"],
        ints={"nps_score": (0, 10, False), "csat_score": (1, 5, False),
              "ces_score": (1, 7, False)},
        categories={"channel": {"email", "sms", "in_app", "web"}}),
    "orders": Rules(["order_id"], ["customer_id", "ordered_at", "status"], ["ordered_at"],
                    categories={"status": {"completed", "cancelled", "refunded"}},
                    has_updated_at=True),
    "order_items": Rules(["order_id", "line_number"], ["product_id", "quantity", "unit_price"],
                         ints={"quantity": (1, None, False)}, decimals={"unit_price": 0.0}),
    "products": Rules(["product_id"], ["product_line", "tier"], ints={"tier": (1, 3, False)},
                      decimals={"list_price": None}),
}


def _cross_rules_ok(table: str, r: dict) -> bool:
    def lt(a: str, b: str) -> bool:
        return r[a] is not None and r[b] is not None and r[a] < r[b]

    if table == "customers":
        return not lt("churned_at", "signup_at")
    if table == "agent_shifts":
        return not (r["shift_end"] <= r["shift_start"])
    if table == "tickets":
        return not (lt("first_response_at", "created_at") or lt("resolved_at", "created_at")
                    or (r["status"] in ("solved", "closed") and r["resolved_at"] is None))
    if table == "calls":
        return not (lt("answered_at", "started_at") or lt("ended_at", "started_at")
                    or lt("ended_at", "answered_at"))
    return True


def _validate(table: str, rules: Rules, raw: dict) -> dict | None:
    """The typed row, or None when SPEC B.2 rejects it."""
    r = {c: clean(v) for c, v in raw.items()}
    for column in rules.required:
        if r[column] is None:
            return None
    for column, allowed in rules.categories.items():
        if r[column] is not None:
            r[column] = r[column].lower()
            if r[column] not in allowed:
                return None
    for column in rules.timestamps:
        text = r[column]
        r[column] = parse_ts(text)
        if text is not None and r[column] is None:
            return None
    for column, (low, high, empty_zero) in rules.ints.items():
        text = r[column]
        value = parse_int(text)
        if text is not None and value is None:
            return None
        if value is None and empty_zero:
            value = 0
        if value is not None and ((low is not None and value < low)
                                  or (high is not None and value > high)):
            return None
        r[column] = value
    for column, low in rules.decimals.items():
        text = r[column]
        value = parse_dec(text)
        if text is not None and value is None:
            return None
        if value is not None and low is not None and value < low:
            return None
        r[column] = value
    if table == "products" and r["product_line"]:
        r["product_line"] = r["product_line"].lower()
    return r if _cross_rules_ok(table, r) else None


def _identity(record: dict) -> tuple:
    return tuple(None if isinstance(v, float) and np.isnan(v) else v for v in record.values())


def stage(table: str, raw: pd.DataFrame, valid_keys: dict | None = None) -> pd.DataFrame:
    """SPEC B.1 then B.2: reject empty keys / updated_at, de-duplicate, validate survivors."""
    rules = RULES[table]
    groups: dict[tuple, list[tuple[datetime | None, dict]]] = {}
    for record in raw.to_dict("records"):
        key = tuple(clean(record[k]) for k in rules.key)
        if any(k is None for k in key):
            continue
        updated = None
        if rules.has_updated_at:
            updated = parse_ts(clean(record["updated_at"]))
            if updated is None:
                continue
        groups.setdefault(key, []).append((updated, record))
    kept = []
    for versions in groups.values():
        identities = {_identity(rec) for _, rec in versions}
        if rules.has_updated_at:
            latest = max(u for u, _ in versions)
            winners = [rec for u, rec in versions if u == latest]
            if len({_identity(w) for w in winners}) > 1:
                raise ValueError(f"{table}: different rows tie on updated_at; SPEC is silent")
            candidate = winners[0]
        else:
            if len(identities) > 1:
                continue  # conflicting rows of one key: all rejected
            candidate = versions[0][1]
        typed = _validate(table, rules, candidate)
        if typed is None:
            continue
        if rules.has_updated_at:
            typed["updated_at"] = parse_ts(clean(candidate["updated_at"]))
        kept.append(typed)
    frame = pd.DataFrame(kept)
    if table == "order_items" and valid_keys is not None and len(frame):
        frame = frame[frame["order_id"].isin(valid_keys["orders"])
                      & frame["product_id"].isin(valid_keys["products"])]
    return frame.reset_index(drop=True)


def load_valid(raw_dir: Path) -> dict[str, pd.DataFrame]:
    raw = {name: pd.read_csv(raw_dir / f"raw_{name}.csv", dtype=str, keep_default_na=False,
                             na_values=[""]) for name in RULES}
    valid = {name: stage(name, raw[name]) for name in RULES if name != "order_items"}
    keys = {"orders": set(valid["orders"]["order_id"]),
            "products": set(valid["products"]["product_id"])}
    valid["order_items"] = stage("order_items", raw["order_items"], keys)
    return valid


# ---------------------------------------------------------------------------- marts

def month_start(ts: datetime) -> pd.Timestamp:
    return pd.Timestamp(ts.year, ts.month, 1)


def months_between(first: pd.Timestamp, last: pd.Timestamp) -> list[pd.Timestamp]:
    return list(pd.date_range(first, last, freq="MS"))


def pct(n: float, d: float) -> float | None:
    return None if not d else 100.0 * n / d


def contacts(valid: dict[str, pd.DataFrame]) -> pd.DataFrame:
    t = valid["tickets"]
    c = valid["calls"]
    tickets = pd.DataFrame({
        "customer_id": t["customer_id"], "start": t["created_at"],
        "eligible_kind": t["status"].isin(["solved", "closed"]),
        "first_touch": (t["agent_replies"] == 1) & (t["reopened_count"] == 0),
    })
    answered = c[(c["direction"] == "inbound") & c["answered_at"].notna()]
    calls = pd.DataFrame({
        "customer_id": answered["customer_id"], "start": answered["started_at"],
        "eligible_kind": True, "first_touch": answered["disposition"] == "resolved",
    })
    out = pd.concat([tickets, calls], ignore_index=True)
    out["start"] = pd.to_datetime(out["start"])
    followed, repeat = [], []
    starts_by_customer = {
        cid: np.sort(g["start"].to_numpy()) for cid, g in out.dropna(subset=["customer_id"])
        .groupby("customer_id")
    }
    week = np.timedelta64(7, "D")
    for cid, start in zip(out["customer_id"], out["start"].to_numpy(), strict=True):
        if cid is None or (isinstance(cid, float) and np.isnan(cid)):
            followed.append(False)
            repeat.append(False)
            continue
        s = starts_by_customer[cid]
        later = np.searchsorted(s, start + week, side="right") - np.searchsorted(s, start, "right")
        earlier = np.searchsorted(s, start, "left") - np.searchsorted(s, start - week, "left")
        followed.append(later > 0)
        repeat.append(earlier > 0)
    out["followed"] = followed
    out["repeat"] = repeat
    out["has_customer"] = out["customer_id"].notna()
    return out


def kpi_nps(valid):
    s = valid["surveys"]
    s = s.assign(month=pd.to_datetime(s["submitted_at"]).dt.to_period("M").dt.to_timestamp())
    rows = []
    for m in months_between(s["month"].min(), s["month"].max()):
        x = s.loc[(s["month"] == m) & s["nps_score"].notna(), "nps_score"]
        n, p, pa, d = len(x), (x >= 9).sum(), x.between(7, 8).sum(), (x <= 6).sum()
        rows.append({"month": m, "responses": n, "promoters": p, "passives": pa, "detractors": d,
                     "promoter_pct": pct(p, n), "passive_pct": pct(pa, n),
                     "detractor_pct": pct(d, n),
                     "nps": None if not n else pct(p, n) - pct(d, n)})
    return pd.DataFrame(rows)


def kpi_csat(valid):
    s = valid["surveys"]
    s = s.assign(month=pd.to_datetime(s["submitted_at"]).dt.to_period("M").dt.to_timestamp())
    rows = []
    for m in months_between(s["month"].min(), s["month"].max()):
        x = s[s["month"] == m]
        cs = x["csat_score"].dropna()
        ce = x["ces_score"].dropna()
        rows.append({"month": m, "csat_responses": len(cs), "csat_pct": pct((cs >= 4).sum(), len(cs)),
                     "negative_feedback_pct": pct((cs <= 2).sum(), len(cs)),
                     "ces_responses": len(ce), "avg_ces": ce.mean() if len(ce) else None})
    return pd.DataFrame(rows)


def kpi_fcr_and_repeat(valid):
    c = contacts(valid)
    c["month"] = c["start"].dt.to_period("M").dt.to_timestamp()
    fcr, rep = [], []
    for m in months_between(c["month"].min(), c["month"].max()):
        x = c[(c["month"] == m) & c["has_customer"]]
        eligible = x[x["eligible_kind"]]
        good = eligible[eligible["first_touch"] & ~eligible["followed"]]
        fcr.append({"month": m, "eligible_contacts": len(eligible), "fcr_contacts": len(good),
                    "fcr_rate": pct(len(good), len(eligible))})
        per_customer = x.groupby("customer_id").size()
        rep.append({"month": m, "contacts": len(x), "repeat_contacts": int(x["repeat"].sum()),
                    "repeat_visit_rate": pct(int(x["repeat"].sum()), len(x)),
                    "contacting_customers": len(per_customer),
                    "repeat_customers": int((per_customer >= 2).sum())})
    return pd.DataFrame(fcr), pd.DataFrame(rep)


def kpi_churn(valid):
    cu = valid["customers"]
    stamps = []
    for name, cols in {
        "customers": ["signup_at", "churned_at", "updated_at"],
        "tickets": ["created_at", "first_response_at", "resolved_at", "updated_at"],
        "calls": ["started_at", "answered_at", "ended_at"],
        "surveys": ["submitted_at"], "orders": ["ordered_at", "updated_at"],
    }.items():
        for col in cols:
            stamps.append(pd.to_datetime(valid[name][col]).max())
    as_of = max(s for s in stamps if not pd.isna(s))
    signup = pd.to_datetime(cu["signup_at"])
    churned = pd.to_datetime(cu["churned_at"])
    rows = []
    for m in months_between(month_start(signup.min()), month_start(as_of)):
        nxt = m + pd.offsets.MonthBegin(1)
        active = (signup < m) & (churned.isna() | (churned >= m))
        new = (signup >= m) & (signup < nxt)
        ch = active & (churned >= m) & (churned < nxt)
        rate = pct(ch.sum(), active.sum())
        rows.append({"month": m, "active_customers_start": int(active.sum()),
                     "new_customers": int(new.sum()), "churned_customers": int(ch.sum()),
                     "churn_rate": rate, "retention_rate": None if rate is None else 100 - rate})
    return pd.DataFrame(rows)


def kpi_sales(valid):
    o = valid["orders"].copy()
    o["ordered_at"] = pd.to_datetime(o["ordered_at"])
    o["month"] = o["ordered_at"].dt.to_period("M").dt.to_timestamp()
    items = valid["order_items"].merge(valid["products"][["product_id", "product_line", "tier"]],
                                       on="product_id")
    items["value"] = items["quantity"] * items["unit_price"]
    done = o[o["status"] == "completed"].copy()
    done["revenue"] = done["order_id"].map(items.groupby("order_id")["value"].sum()).fillna(0.0)
    first = done.groupby("customer_id")["ordered_at"].min()
    done["repeat"] = done["ordered_at"] > done["customer_id"].map(first)
    lines = items.merge(done[["order_id", "customer_id", "ordered_at"]], on="order_id")
    cross, up = {}, {}
    for row in done[done["repeat"]].itertuples():
        mine = lines[lines["order_id"] == row.order_id]
        before = lines[(lines["customer_id"] == row.customer_id)
                       & (lines["ordered_at"] < row.ordered_at)]
        prior_max = before.groupby("product_line")["tier"].max()
        is_cross = any(line not in prior_max.index for line in mine["product_line"])
        is_up = any(line in prior_max.index and tier > prior_max[line]
                    for line, tier in zip(mine["product_line"], mine["tier"], strict=True))
        cross[row.order_id], up[row.order_id] = is_cross, is_up
    sales, xs = [], []
    for m in months_between(o["month"].min(), o["month"].max()):
        x = done[done["month"] == m]
        r = x[x["repeat"]]
        n_cust, r_cust = x["customer_id"].nunique(), r["customer_id"].nunique()
        sales.append({"month": m, "orders": len(x), "revenue": float(x["revenue"].sum()),
                      "repeat_orders": len(r), "repeat_revenue": float(r["revenue"].sum()),
                      "repeat_sales_rate": pct(len(r), len(x)), "ordering_customers": n_cust,
                      "repeat_customers": r_cust, "repeat_customer_rate": pct(r_cust, n_cust)})
        c_cust = r[r["order_id"].map(cross)]["customer_id"].nunique()
        u_cust = r[r["order_id"].map(up)]["customer_id"].nunique()
        xs.append({"month": m, "repeat_customers": r_cust, "cross_sell_customers": c_cust,
                   "upsell_customers": u_cust, "cross_sell_rate": pct(c_cust, r_cust),
                   "upsell_rate": pct(u_cust, r_cust)})
    return pd.DataFrame(sales), pd.DataFrame(xs)


def kpi_ticket_ops(valid):
    t = valid["tickets"].copy()
    for col in ("created_at", "first_response_at", "resolved_at"):
        t[col] = pd.to_datetime(t[col])
    resolved = t["status"].isin(["solved", "closed"])
    first = t["created_at"].min().normalize()
    last = max(t["created_at"].max(), t.loc[resolved, "resolved_at"].max()).normalize()
    frt = (t["first_response_at"] - t["created_at"]).dt.total_seconds() / 60.0
    res = (t["resolved_at"] - t["created_at"]).dt.total_seconds() / 3600.0
    rows = []
    for day in pd.date_range(first, last, freq="D"):
        nxt = day + pd.Timedelta(days=1)
        created = (t["created_at"] >= day) & (t["created_at"] < nxt)
        solved_today = resolved & (t["resolved_at"] >= day) & (t["resolved_at"] < nxt)
        backlog = (t["created_at"] < nxt) & ~(resolved & (t["resolved_at"] < nxt))
        f = frt[created].dropna()
        rows.append({"day": day, "tickets_created": int(created.sum()),
                     "tickets_resolved": int(solved_today.sum()),
                     "backlog_end_of_day": int(backlog.sum()),
                     "avg_first_response_minutes": f.mean() if len(f) else None,
                     "median_first_response_minutes": f.median() if len(f) else None,
                     "avg_resolution_hours": res[solved_today].mean() if solved_today.any()
                     else None})
    return pd.DataFrame(rows)


def kpi_call_ops(valid):
    c = valid["calls"].copy()
    for col in ("started_at", "answered_at"):
        c[col] = pd.to_datetime(c[col])
    c["day"] = c["started_at"].dt.normalize()
    rows = []
    for day in pd.date_range(c["day"].min(), c["day"].max(), freq="D"):
        x = c[(c["day"] == day) & (c["direction"] == "inbound")]
        answered = x[x["answered_at"].notna()]
        wait = (answered["answered_at"] - answered["started_at"]).dt.total_seconds()
        aband = x[x["answered_at"].isna() & (x["disposition"] == "abandoned")]
        failed = x[x["disposition"] == "failed"]
        handle = answered["talk_seconds"] + answered["hold_seconds"] + answered["wrap_seconds"]
        rows.append({"day": day, "inbound_calls": len(x), "answered_calls": len(answered),
                     "abandoned_calls": len(aband), "failed_calls": len(failed),
                     "abandonment_rate": pct(len(aband), len(x)),
                     "service_level_pct": pct(int((wait <= 20).sum()), len(x)),
                     "avg_speed_of_answer_seconds": wait.mean() if len(answered) else None,
                     "avg_handle_time_seconds": handle.mean() if len(answered) else None})
    return pd.DataFrame(rows)


def all_marts(raw_dir: Path) -> dict[str, pd.DataFrame]:
    valid = load_valid(raw_dir)
    fcr, repeat = kpi_fcr_and_repeat(valid)
    sales, cross = kpi_sales(valid)
    return {
        "kpi_nps_monthly": kpi_nps(valid),
        "kpi_csat_monthly": kpi_csat(valid),
        "kpi_fcr_monthly": fcr,
        "kpi_repeat_visits_monthly": repeat,
        "kpi_churn_monthly": kpi_churn(valid),
        "kpi_repeat_sales_monthly": sales,
        "kpi_cross_sell_upsell_monthly": cross,
        "kpi_ticket_ops_daily": kpi_ticket_ops(valid),
        "kpi_call_ops_daily": kpi_call_ops(valid),
    }


def valid_counts(raw_dir: Path) -> dict[str, int]:
    """Valid rows per raw table of SPEC part A (part E: reference_lifecycle.stage_changes)."""
    return {name: len(frame) for name, frame in load_valid(raw_dir).items()}
