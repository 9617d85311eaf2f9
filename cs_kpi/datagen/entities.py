"""Clean raw tables as typed pandas frames (instants are datetime64 UTC, NaT for empty).

Every frame here is valid by SPEC part B; ``defects.py`` breaks some rows afterwards.
Row counts grow linearly with ``scale``; the time window is one fixed year.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cs_kpi.datagen import text

WINDOW_START = np.datetime64("2025-10-01T00:00:00", "s")
WINDOW_END = np.datetime64("2026-10-01T00:00:00", "s")
WINDOW_SECONDS = int((WINDOW_END - WINDOW_START).astype(int))
DAY = 86_400

PRODUCT_LINES = ("laptops", "phones", "audio", "wearables", "accessories", "software")
LINE_BASE_PRICE = (900.0, 600.0, 120.0, 250.0, 30.0, 80.0)


@dataclass(frozen=True)
class Sizes:
    customers: int
    agents: int
    tickets: int
    calls: int
    orders: int

    @classmethod
    def for_scale(cls, scale: float) -> Sizes:
        return cls(
            customers=max(50, round(1_500 * scale)),
            agents=max(6, round(6 * scale)),
            tickets=max(100, round(4_000 * scale)),
            calls=max(100, round(3_000 * scale)),
            orders=max(100, round(2_500 * scale)),
        )


def _seconds(values: np.ndarray) -> np.ndarray:
    return np.round(values).astype("int64").astype("timedelta64[s]")


def _ids(prefix: str, size: int, width: int = 7) -> np.ndarray:
    return np.char.add(prefix, np.char.zfill(np.arange(1, size + 1).astype(str), width)).astype(
        object
    )


def _skewed_index(rng: np.random.Generator, upper: int, size: int) -> np.ndarray:
    """Indices in [0, upper) where low indices are far more frequent (heavy contacters)."""
    return np.minimum((upper * rng.random(size) ** 2.2).astype("int64"), upper - 1)


def customers(rng: np.random.Generator, sizes: Sizes) -> pd.DataFrame:
    n = sizes.customers
    ids = _ids("C", n)
    signup = WINDOW_START + _seconds(rng.uniform(-180 * DAY, WINDOW_SECONDS - 20 * DAY, n))
    churn_gap = _seconds(rng.exponential(150 * DAY, n) + DAY)
    churned = np.where(rng.random(n) < 0.35, signup + churn_gap, np.datetime64("NaT"))
    churned = np.where(churned < WINDOW_END, churned, np.datetime64("NaT")).astype("datetime64[s]")
    last_event = np.where(np.isnat(churned), signup, churned)
    updated = last_event + _seconds(rng.uniform(0, 5 * DAY, n))
    return pd.DataFrame({
        "customer_id": ids,
        "full_name": text.names(rng, n),
        "email": text.emails(ids),
        "phone": text.phones(rng, n),
        "country": rng.choice(text.COUNTRIES, n),
        "segment": rng.choice(["consumer", "smb", "enterprise"], n, p=[0.7, 0.22, 0.08]),
        "signup_at": signup,
        "churned_at": churned,
        "updated_at": updated,
    })


def agents(rng: np.random.Generator, sizes: Sizes) -> pd.DataFrame:
    n = sizes.agents
    return pd.DataFrame({
        "agent_id": _ids("A", n, 4),
        "agent_name": text.names(rng, n),
        "team": rng.choice(text.TEAMS, n),
        "hourly_cost": np.round(rng.uniform(18, 45, n), 2).astype(str),
        "hired_at": WINDOW_START - _seconds(rng.uniform(30 * DAY, 1500 * DAY, n)),
    })


def agent_shifts(rng: np.random.Generator, agent_frame: pd.DataFrame) -> pd.DataFrame:
    days = np.arange(WINDOW_START, WINDOW_END, np.timedelta64(1, "D")).astype("datetime64[s]")
    agent_ids = agent_frame["agent_id"].to_numpy()
    grid_agent = np.repeat(agent_ids, len(days))
    grid_day = np.tile(days, len(agent_ids))
    weekday = (grid_day.astype("datetime64[D]").astype("int64") + 3) % 7  # 0 = Monday
    works = (weekday < 5) & (rng.random(len(grid_day)) < 0.9)
    grid_agent, grid_day = grid_agent[works], grid_day[works]
    start_hour = rng.choice([6, 8, 10, 14], len(grid_day))
    start = grid_day + _seconds(start_hour * 3600.0)
    end = start + _seconds(rng.choice([4, 6, 8], len(grid_day), p=[0.1, 0.2, 0.7]) * 3600.0)
    return pd.DataFrame({
        "shift_id": _ids("S", len(start), 8),
        "agent_id": grid_agent,
        "shift_start": start,
        "shift_end": end,
    })


def _contact_times(
    rng: np.random.Generator, customer_frame: pd.DataFrame, size: int
) -> tuple[np.ndarray, np.ndarray]:
    """Customers (skewed) and start instants after their signup; a quarter of the
    contacts follow another contact of the same customer within days (repeat visits)."""
    idx = _skewed_index(rng, len(customer_frame), size)
    signup = customer_frame["signup_at"].to_numpy()[idx]
    floor = np.maximum(signup, WINDOW_START)
    span = (WINDOW_END - floor).astype("int64")
    start = floor + _seconds(rng.random(size) * span)
    follow = rng.random(size) < 0.25
    base = rng.integers(0, size, size)
    idx = np.where(follow, idx[base], idx)
    gap = _seconds(rng.exponential(3 * DAY, size) + 60)
    # Exact window boundaries: a follow-up at exactly +7 days counts, one second later not.
    boundary = rng.choice(3, size, p=[0.9, 0.06, 0.04])
    gap = np.where(boundary == 1, np.timedelta64(7 * DAY, "s"), gap)
    gap = np.where(boundary == 2, np.timedelta64(7 * DAY + 1, "s"), gap)
    start = np.where(follow, start[base] + gap, start)
    start = np.minimum(start, WINDOW_END - np.timedelta64(1, "s"))
    return customer_frame["customer_id"].to_numpy()[idx], start.astype("datetime64[s]")


def _maybe(rng: np.random.Generator, values: np.ndarray, share_empty: float) -> np.ndarray:
    values = values.astype(object)
    values[rng.random(len(values)) < share_empty] = None
    return values


def tickets(
    rng: np.random.Generator, sizes: Sizes, customer_frame: pd.DataFrame, agent_ids: np.ndarray
) -> pd.DataFrame:
    n = sizes.tickets
    customer_ids, created = _contact_times(rng, customer_frame, n)
    status = rng.choice(
        ["new", "open", "pending", "on_hold", "solved", "closed"], n,
        p=[0.04, 0.08, 0.05, 0.03, 0.45, 0.35],
    )
    resolved_status = np.isin(status, ["solved", "closed"])
    reopened = rng.choice([0, 1, 2], n, p=[0.85, 0.12, 0.03])
    first_response = np.where(
        status == "new", np.datetime64("NaT"),
        created + _seconds(rng.lognormal(np.log(90 * 60), 1.0, n) + 60),
    ).astype("datetime64[s]")
    resolution = _seconds(rng.lognormal(np.log(20 * 3600), 1.1, n) + 3600)
    first_response_floor = np.where(np.isnat(first_response), created, first_response)
    resolved = np.where(
        resolved_status | ((reopened > 0) & (status == "open")),
        first_response_floor + resolution, np.datetime64("NaT"),
    ).astype("datetime64[s]")
    replies = np.where(status == "new", 0, 1 + rng.geometric(0.55, n) - 1)
    latest = np.where(np.isnat(resolved), first_response_floor, resolved)
    return pd.DataFrame({
        "ticket_id": _ids("T", n, 8),
        "customer_id": _maybe(rng, customer_ids, 0.03),
        "agent_id": _maybe(rng, rng.choice(agent_ids, n), 0.05),
        "channel": rng.choice(["email", "chat", "web", "social"], n, p=[0.45, 0.3, 0.15, 0.1]),
        "category": rng.choice(
            ["billing", "technical", "shipping", "returns", "account", "other"], n,
            p=[0.22, 0.3, 0.18, 0.12, 0.1, 0.08],
        ),
        "priority": rng.choice(["low", "normal", "high", "urgent"], n, p=[0.2, 0.55, 0.2, 0.05]),
        "status": status,
        "created_at": created,
        "first_response_at": first_response,
        "resolved_at": resolved,
        "agent_replies": replies.astype(str),
        "reopened_count": reopened.astype(str),
        "handle_seconds": np.round(rng.lognormal(np.log(600), 0.7, n)).astype("int64").astype(str),
        "updated_at": latest + _seconds(rng.uniform(0, 2 * DAY, n)),
    })


def solved_without_reply(
    rng: np.random.Generator, frame: pd.DataFrame, share: float
) -> pd.DataFrame:
    """Some resolved tickets never got a public reply (solved by a macro, on the phone, or by
    the requester): no first_response_at, no agent reply, resolved 5 minutes to 2 days after
    creation, so both sides of the first-response targets occur (SPEC D v2.1)."""
    rows = (rng.random(len(frame)) < share) & frame["status"].isin(["solved", "closed"]).to_numpy()
    frame = frame.copy()
    delay = _seconds(rng.uniform(300, 2 * DAY, int(rows.sum())))
    frame.loc[rows, "first_response_at"] = pd.NaT
    frame.loc[rows, "agent_replies"] = "0"
    created = frame.loc[rows, "created_at"].to_numpy(dtype="datetime64[s]")
    frame.loc[rows, "resolved_at"] = created + delay
    later = frame["updated_at"] < frame["resolved_at"]
    frame.loc[later, "updated_at"] = frame.loc[later, "resolved_at"]
    return frame


def calls(
    rng: np.random.Generator, sizes: Sizes, customer_frame: pd.DataFrame,
    agent_ids: np.ndarray, ticket_frame: pd.DataFrame,
) -> pd.DataFrame:
    n = sizes.calls
    customer_ids, started = _contact_times(rng, customer_frame, n)
    inbound = rng.random(n) < 0.85
    answered = np.where(inbound, rng.random(n) < 0.86, rng.random(n) < 0.7)
    speed = np.floor(rng.exponential(16, n)).astype("int64") + 1
    talk = np.round(rng.lognormal(np.log(280), 0.6, n)).astype("int64") + 1
    hold = np.where(rng.random(n) < 0.6, 0, np.round(rng.exponential(60, n))).astype("int64")
    wrap = np.round(rng.exponential(45, n)).astype("int64")
    answered_at = np.where(answered, started + _seconds(speed), np.datetime64("NaT"))
    answered_at = answered_at.astype("datetime64[s]")
    waited = _seconds(np.floor(rng.exponential(45, n)) + 1)
    ended = np.where(answered, answered_at + _seconds(talk + hold), started + waited)
    answered_disposition = rng.choice(
        ["resolved", "escalated", "callback", "transferred", "failed"], n,
        p=[0.62, 0.12, 0.1, 0.1, 0.06],
    )
    missed_disposition = np.where(
        inbound, rng.choice(["abandoned", "failed"], n, p=[0.85, 0.15]), "failed"
    )
    disposition = np.where(answered, answered_disposition, missed_disposition)
    quality = np.where(
        answered & (rng.random(n) < 0.3),
        np.clip(np.round(rng.normal(82, 10, n)), 0, 100).astype("int64").astype(str), None,
    )
    ticket_ids = ticket_frame["ticket_id"].to_numpy()
    about_ticket = np.where(rng.random(n) < 0.2, rng.choice(ticket_ids, n), None)
    zero = np.zeros(n, dtype="int64")
    return pd.DataFrame({
        "call_id": _ids("K", n, 8),
        "customer_id": _maybe(rng, customer_ids, 0.04),
        "agent_id": np.where(answered, rng.choice(agent_ids, n), None),
        "direction": np.where(inbound, "inbound", "outbound"),
        "category": rng.choice(
            ["billing", "technical", "shipping", "returns", "account", "other"], n
        ),
        "started_at": started,
        "answered_at": answered_at,
        "ended_at": ended.astype("datetime64[s]"),
        "talk_seconds": np.where(answered, talk, zero).astype(str),
        "hold_seconds": np.where(answered & (hold > 0), hold.astype(str), None),
        "wrap_seconds": np.where(answered, wrap, zero).astype(str),
        "disposition": disposition,
        "ticket_id": about_ticket,
        "quality_score": quality,
    })


def _scores(rng: np.random.Generator, unhappy: np.ndarray) -> tuple[np.ndarray, ...]:
    n = len(unhappy)
    happy_nps = [0.01, 0.01, 0.01, 0.02, 0.02, 0.03, 0.04, 0.08, 0.16, 0.26, 0.36]
    sad_nps = [0.08, 0.06, 0.08, 0.1, 0.1, 0.12, 0.12, 0.12, 0.1, 0.06, 0.06]
    nps = np.where(
        unhappy, rng.choice(11, n, p=sad_nps), rng.choice(11, n, p=happy_nps)
    )
    csat = np.clip(np.round(1 + nps * 0.4 + rng.normal(0, 0.7, n)), 1, 5).astype("int64")
    ces = np.clip(np.round(7 - nps * 0.5 + rng.normal(0, 1.0, n)), 1, 7).astype("int64")
    return nps, csat, ces


def surveys(
    rng: np.random.Generator, ticket_frame: pd.DataFrame, call_frame: pd.DataFrame
) -> pd.DataFrame:
    solved = ticket_frame[ticket_frame["status"].isin(["solved", "closed"])]
    solved = solved[rng.random(len(solved)) < 0.4]
    answered = call_frame[call_frame["answered_at"].notna()]
    answered = answered[rng.random(len(answered)) < 0.35]
    n_t, n_c = len(solved), len(answered)
    n = n_t + n_c
    ended = np.concatenate([
        solved["resolved_at"].to_numpy(dtype="datetime64[s]"),
        answered["ended_at"].to_numpy(dtype="datetime64[s]"),
    ])
    unhappy = np.concatenate([
        (solved["reopened_count"].astype(int) > 0).to_numpy()
        | (solved["agent_replies"].astype(int) > 2).to_numpy(),
        (answered["disposition"] != "resolved").to_numpy(),
    ])
    nps, csat, ces = _scores(rng, unhappy)
    submitted = ended + _seconds(rng.exponential(DAY, n) + 300)
    comment = np.where(rng.random(n) < 0.3, rng.choice(text.COMMENTS, n), None)
    none_t, none_c = np.full(n_t, None, dtype=object), np.full(n_c, None, dtype=object)
    return pd.DataFrame({
        "response_id": _ids("R", n, 8),
        "customer_id": np.concatenate([
            solved["customer_id"].to_numpy(), answered["customer_id"].to_numpy()
        ]),
        "ticket_id": np.concatenate([solved["ticket_id"].to_numpy(), none_c]),
        "call_id": np.concatenate([none_t, answered["call_id"].to_numpy()]),
        "channel": rng.choice(["email", "sms", "in_app", "web"], n, p=[0.5, 0.2, 0.2, 0.1]),
        "submitted_at": np.minimum(submitted, WINDOW_END + np.timedelta64(10 * DAY, "s")),
        "nps_score": _maybe(rng, nps.astype(str), 0.15),
        "csat_score": _maybe(rng, csat.astype(str), 0.25),
        "ces_score": _maybe(rng, ces.astype(str), 0.5),
        "comment": comment,
    })


def products(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for line, base in zip(PRODUCT_LINES, LINE_BASE_PRICE, strict=True):
        for tier in (1, 2, 3):
            for variant in range(3):
                price = round(base * (1 + 0.6 * (tier - 1)) * rng.uniform(0.9, 1.1), 2)
                rows.append({
                    "product_id": f"P{len(rows) + 1:04d}",
                    "product_name": f"{line.title()} {['Lite', 'Plus', 'Pro'][tier - 1]} "
                                    f"v{variant + 1}",
                    "product_line": line,
                    "tier": str(tier),
                    "list_price": f"{price:.2f}",
                })
    return pd.DataFrame(rows)


def orders(
    rng: np.random.Generator, sizes: Sizes, customer_frame: pd.DataFrame
) -> pd.DataFrame:
    n = sizes.orders
    customer_ids, ordered = _contact_times(rng, customer_frame, n)
    # A few repeat purchases at exactly the same instant as another order (not a repeat).
    same_instant = rng.random(n) < 0.01
    twin = rng.integers(0, n, n)
    ordered = np.where(same_instant, ordered[twin], ordered)
    customer_ids = np.where(same_instant, customer_ids[twin], customer_ids)
    return pd.DataFrame({
        "order_id": _ids("O", n, 8),
        "customer_id": customer_ids,
        "ordered_at": ordered,
        "status": rng.choice(["completed", "cancelled", "refunded"], n, p=[0.85, 0.1, 0.05]),
        "updated_at": ordered + _seconds(rng.uniform(0, 5 * DAY, n)),
    })


def order_items(
    rng: np.random.Generator, order_frame: pd.DataFrame, product_frame: pd.DataFrame
) -> pd.DataFrame:
    lines_per_order = rng.choice([1, 2, 3, 4], len(order_frame), p=[0.45, 0.3, 0.15, 0.1])
    order_ids = np.repeat(order_frame["order_id"].to_numpy(), lines_per_order)
    starts = np.repeat(np.cumsum(lines_per_order) - lines_per_order, lines_per_order)
    line_number = np.arange(len(order_ids)) - starts + 1
    tier_weight = product_frame["tier"].astype(int).map({1: 3.0, 2: 2.0, 3: 1.0}).to_numpy()
    pick = rng.choice(len(product_frame), len(order_ids), p=tier_weight / tier_weight.sum())
    list_price = product_frame["list_price"].astype(float).to_numpy()[pick]
    discount = rng.choice([1.0, 0.9, 0.8], len(order_ids), p=[0.7, 0.2, 0.1])
    return pd.DataFrame({
        "order_id": order_ids,
        "line_number": line_number.astype(str),
        "product_id": product_frame["product_id"].to_numpy()[pick],
        "quantity": rng.choice([1, 2, 3], len(order_ids), p=[0.8, 0.15, 0.05]).astype(str),
        "unit_price": np.char.mod("%.2f", np.round(list_price * discount, 2)),
    })
