"""Status histories of the tickets (SPEC part E, raw_ticket_status_changes), and their defects.

Each history is consistent with its ticket: an optional change at the creation instant, a
change when the first response is sent (open, or pending when the agent waits for the
requester), pending and on-hold spells, one solve-and-reopen cycle per reopen, and a last
change to the ticket's status (solved at resolved_at; closed a little later). Some tickets have
no history at all. The histories are drawn from their own random stream, so adding them left
the other nine tables of a (scale, seed) unchanged.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cs_kpi.datagen import defects, timestamps

# Share of tickets that have a status history (the others are in no part E figure).
HISTORY_SHARE = 0.92
MINUTE = np.timedelta64(60, "s")
OUT_OF_RANGE = np.array(["1969-12-31T23:59:59Z", "2100-01-01T00:00:00Z", "1900-06-01 10:00:00"])
BAD_STATUSES = np.array(["hold", "resolved", "escalated"])


def _spell_statuses(rng: np.random.Generator, reopens: int) -> list[str]:
    """The statuses between the first response and the last change, in order."""
    middle: list[str] = []
    for _ in range(int(rng.integers(0, 3))):
        middle.append(str(rng.choice(["pending", "on_hold", "open"], p=[0.5, 0.3, 0.2])))
        middle.append("open")
    for _ in range(reopens):
        middle.extend(["solved", str(rng.choice(["open", "pending", "new"], p=[0.7, 0.2, 0.1]))])
    return middle


def _history(rng: np.random.Generator, ticket: dict) -> list[tuple[np.datetime64, str]]:
    created = ticket["created_at"]
    responded = ticket["first_response_at"]
    resolved = ticket["resolved_at"]
    status = ticket["status"]
    reopens = int(ticket["reopened_count"])
    end = resolved if not np.isnat(resolved) else ticket["updated_at"]
    events: list[tuple[np.datetime64, str]] = []
    if rng.random() < 0.3:
        events.append((created, str(rng.choice(["open", "new"], p=[0.7, 0.3]))))
    start = created
    if not np.isnat(responded) and responded < end:
        events.append((responded, "pending" if rng.random() < 0.35 else "open"))
        start = responded
    middle = _spell_statuses(rng, reopens)
    last = status
    if status in ("solved", "closed"):
        last = "solved"
    span_seconds = int((end - start) / np.timedelta64(1, "s"))
    if middle and span_seconds > len(middle) + 1:
        offsets = np.sort(rng.choice(np.arange(1, span_seconds), size=len(middle), replace=False))
        events.extend((start + np.timedelta64(int(o), "s"), s)
                      for o, s in zip(offsets, middle, strict=True))
    if status in ("solved", "closed"):
        events.append((end, "solved"))
        if status == "closed":
            later = np.timedelta64(int(rng.integers(3600, 4 * 86_400)), "s")
            events.append((end + later, "closed"))
    elif not events or events[-1][1] != last or rng.random() < 0.5:
        moment = end if end > (events[-1][0] if events else created) else end + MINUTE
        events.append((moment, last))
    # One change per instant (SPEC E's key): the later of two at one instant is dropped.
    kept: list[tuple[np.datetime64, str]] = []
    for moment, value in events:
        if not kept or moment > kept[-1][0]:
            kept.append((moment, value))
    return kept


def status_changes(rng: np.random.Generator, tickets: pd.DataFrame) -> pd.DataFrame:
    """Typed changes (ticket_id, changed_at datetime64, status) of the clean tickets."""
    ids, moments, statuses = [], [], []
    keep = rng.random(len(tickets)) < HISTORY_SHARE
    chosen = tickets[keep]
    arrays = {column: chosen[column].to_numpy(dtype="datetime64[s]")
              for column in ("created_at", "first_response_at", "resolved_at", "updated_at")}
    arrays["ticket_id"] = chosen["ticket_id"].to_numpy()
    arrays["status"] = chosen["status"].to_numpy()
    arrays["reopened_count"] = chosen["reopened_count"].astype(int).to_numpy()
    for row in range(len(chosen)):
        ticket = {column: values[row] for column, values in arrays.items()}
        for moment, value in _history(rng, ticket):
            ids.append(ticket["ticket_id"])
            moments.append(moment)
            statuses.append(value)
    return pd.DataFrame({
        "ticket_id": np.array(ids, dtype=object),
        "changed_at": np.array(moments, dtype="datetime64[s]"),
        "status": np.array(statuses, dtype=object),
    })


def as_text(rng: np.random.Generator, changes: pd.DataFrame, rate: float) -> pd.DataFrame:
    """The changes as all-text rows, with every defect SPEC part E names, shuffled."""
    typed = defects.shift_back(rng, changes, "changed_at", rate, days=40)
    text = pd.DataFrame({
        "ticket_id": typed["ticket_id"].astype(object),
        "changed_at": timestamps.render(typed["changed_at"].to_numpy(dtype="datetime64[s]"), rng),
        "status": typed["status"].astype(object),
    })
    text = defects.blank(rng, text, ["ticket_id", "changed_at", "status"], rate / 2)
    text = defects.garble_timestamps(rng, text, ["changed_at"], rate / 2)
    text = defects.replace_with(rng, text, ["changed_at"], rate / 4, OUT_OF_RANGE)
    text = defects.odd_case(rng, text, ["status"], rate * 5)
    text = defects.replace_with(rng, text, ["status"], rate, BAD_STATUSES)
    text = defects.replace_with(rng, text, ["ticket_id"], rate / 2, ["T_MISSING_1"])
    text = defects.conflicting_copies(rng, text, "status", rate, ["open", "pending", "solved"])
    text = defects.restamped_copies(rng, text, "changed_at", rate / 2)
    text = defects.duplicate(rng, text, rate * 2)
    return defects.shuffle(rng, text)
