"""Assemble the ten raw tables: clean entities, typed defects, rendering, text defects."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cs_kpi.datagen import defects, entities, status_history, timestamps
from cs_kpi.raw_schema import RAW_TABLES_BY_NAME

# Share of rows hit by each kind of defect; small, so the KPIs stay realistic.
RATE = 0.004


def _as_text(frame: pd.DataFrame, rng: np.random.Generator, table: str) -> pd.DataFrame:
    """Every column as text in contract order; instants rendered in mixed ISO forms."""
    out = {}
    for column in RAW_TABLES_BY_NAME[table].columns:
        values = frame[column]
        if pd.api.types.is_datetime64_any_dtype(values):
            out[column] = timestamps.render(values.to_numpy(dtype="datetime64[s]"), rng)
        else:
            out[column] = values.astype(object).where(values.notna(), "").astype(str)
    return pd.DataFrame(out)


def generate(scale: float, seed: int) -> dict[str, pd.DataFrame]:
    """All ten raw tables as all-text frames, deterministic for (scale, seed)."""
    rng = np.random.default_rng(seed)
    # The status histories (SPEC E) and the tickets solved without a reply (SPEC D v2.1) draw
    # from a stream of their own, so the other draws of a (scale, seed) stay as they were.
    history_rng = np.random.default_rng([seed, 10])
    sizes = entities.Sizes.for_scale(scale)
    customers = entities.customers(rng, sizes)
    agents = entities.agents(rng, sizes)
    agent_ids = agents["agent_id"].to_numpy()
    tickets = entities.tickets(rng, sizes, customers, agent_ids)
    tickets = entities.solved_without_reply(history_rng, tickets, 0.06)
    calls = entities.calls(rng, sizes, customers, agent_ids, tickets)
    changes = status_history.status_changes(history_rng, tickets)
    tables = {
        "customers": customers,
        "agents": agents,
        "agent_shifts": entities.agent_shifts(rng, agents),
        "tickets": tickets,
        "calls": calls,
        "surveys": entities.surveys(rng, tickets, calls),
        "products": entities.products(rng),
    }
    tables["orders"] = entities.orders(rng, sizes, customers)
    tables["order_items"] = entities.order_items(rng, tables["orders"], tables["products"])
    tables = _typed_defects(rng, tables)
    text = {name: _as_text(frame, rng, name) for name, frame in tables.items()}
    text = _text_defects(rng, text)
    shuffled = {name: defects.shuffle(rng, frame) for name, frame in text.items()}
    shuffled["ticket_status_changes"] = status_history.as_text(history_rng, changes, RATE)
    return shuffled


def _typed_defects(
    rng: np.random.Generator, tables: dict[str, pd.DataFrame]
) -> dict[str, pd.DataFrame]:
    t = tables
    t["customers"] = defects.reverse(rng, t["customers"], "churned_at", "signup_at", RATE * 5)
    t["customers"] = defects.supersede(rng, t["customers"], RATE * 8, [])
    t["agent_shifts"] = defects.reverse(rng, t["agent_shifts"], "shift_end", "shift_start", RATE)
    tickets = t["tickets"]
    tickets = defects.reverse(rng, tickets, "first_response_at", "created_at", RATE)
    tickets = defects.reverse(rng, tickets, "resolved_at", "created_at", RATE)
    tickets = defects.solved_without_resolution(rng, tickets, RATE)
    t["tickets"] = defects.supersede(rng, tickets, RATE * 8, ["new", "open", "pending"])
    calls = t["calls"]
    calls = defects.reverse(rng, calls, "answered_at", "started_at", RATE)
    calls = defects.reverse(rng, calls, "ended_at", "answered_at", RATE)
    t["calls"] = calls
    t["orders"] = defects.supersede(rng, t["orders"], RATE * 8, ["completed", "cancelled"])
    return t


def _text_defects(
    rng: np.random.Generator, text: dict[str, pd.DataFrame]
) -> dict[str, pd.DataFrame]:
    t = text
    for name, frame in t.items():
        table = RAW_TABLES_BY_NAME[name]
        instant_columns = [c for c in table.columns if c.endswith(("_at", "_start", "_end"))]
        frame = defects.blank(rng, frame, list(table.required), RATE / 2)
        frame = defects.garble_timestamps(rng, frame, instant_columns, RATE / 2)
        t[name] = frame
    categoricals = {
        "customers": ["segment"],
        "tickets": ["channel", "category", "priority", "status"],
        "calls": ["direction", "category", "disposition"],
        "surveys": ["channel"],
        "orders": ["status"],
        "products": ["product_line"],
    }
    for name, columns in categoricals.items():
        t[name] = defects.odd_case(rng, t[name], columns, RATE * 5)
    t["tickets"] = defects.replace_with(
        rng, t["tickets"], ["channel", "status"], RATE / 2, ["phone", "resolved", "urgentish"]
    )
    t["calls"] = defects.replace_with(rng, t["calls"], ["disposition"], RATE / 2, ["voicemail"])
    t["tickets"] = defects.garble_numbers(rng, t["tickets"], ["agent_replies"], RATE / 2)
    t["tickets"] = defects.replace_with(rng, t["tickets"], ["reopened_count"], RATE / 2, ["-1"])
    t["calls"] = defects.garble_numbers(rng, t["calls"], ["talk_seconds"], RATE / 2)
    t["calls"] = defects.replace_with(
        rng, t["calls"], ["hold_seconds", "quality_score"], RATE / 2, ["-5", "101"]
    )
    t["surveys"] = defects.replace_with(rng, t["surveys"], ["nps_score"], RATE, ["11", "-1"])
    t["surveys"] = defects.replace_with(rng, t["surveys"], ["csat_score"], RATE, ["0", "6"])
    t["surveys"] = defects.replace_with(rng, t["surveys"], ["ces_score"], RATE / 2, ["8"])
    t["agents"] = defects.replace_with(rng, t["agents"], ["hourly_cost"], 0.05, ["-12.50"])
    t["order_items"] = defects.replace_with(
        rng, t["order_items"], ["order_id"], RATE / 2, ["O_MISSING_1", "O_MISSING_2"]
    )
    t["order_items"] = defects.replace_with(
        rng, t["order_items"], ["product_id"], RATE / 2, ["P9999"]
    )
    t["order_items"] = defects.replace_with(
        rng, t["order_items"], ["quantity"], RATE / 2, ["0", "-2", "two"]
    )
    # Unknown dimension members: kept in facts, reported by a warn-level test.
    t["tickets"] = defects.replace_with(rng, t["tickets"], ["customer_id"], RATE, ["C_UNKNOWN"])
    t["calls"] = defects.replace_with(rng, t["calls"], ["agent_id"], RATE / 2, ["A_UNKNOWN"])
    for name in ("agent_shifts", "calls", "surveys", "order_items", "tickets", "customers"):
        t[name] = defects.duplicate(rng, t[name], RATE * 2)
    return t
