"""Split a raw data set into arrival batches, as a daily export would deliver it.

``python -m cs_kpi.datagen.batches --raw DIR --out DIR --at 2026-01-01 [--at ...]
[--late-share 0.03] [--format csv|parquet]``

Each raw row gets an arrival instant: the time its system would have exported it
(customers, tickets, orders: ``updated_at``; calls: ``ended_at``; surveys: ``submitted_at``;
shifts: ``shift_end``; order items: their order's first version; agents and products: the
start). Rows are cut at the ``--at`` instants into batches: batch 0 is written as
``raw_<name>.<fmt>``, batch k as ``raw_<name>__<kk>_<date>.<fmt>``, which the staging base
models load incrementally. A share of rows (chosen by a hash of the row, so deterministic)
arrives one batch late, and rows whose arrival cannot be parsed come with the first batch.
Every raw row lands in exactly one batch.
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

from cs_kpi.datagen.writer import read_raw, write_table
from cs_kpi.raw_schema import RAW_TABLES

ARRIVAL_COLUMN = {
    "customers": "updated_at",
    "tickets": "updated_at",
    "orders": "updated_at",
    "calls": "ended_at",
    "surveys": "submitted_at",
    "agent_shifts": "shift_end",
}


def _instants(text: pd.Series) -> pd.Series:
    return pd.to_datetime(text.str.strip(), utc=True, errors="coerce", format="mixed")


def _late(frame: pd.DataFrame, share: float) -> np.ndarray:
    """Deterministic per row content: hash of the row's text."""
    if share <= 0:
        return np.zeros(len(frame), dtype=bool)
    joined = frame.fillna("").astype(str).agg("\x1f".join, axis=1)
    hashes = joined.map(lambda row: int(hashlib.md5(row.encode()).hexdigest()[:8], 16))
    return (hashes.to_numpy() % 10_000) < share * 10_000


def assign_batches(tables: dict[str, pd.DataFrame], cuts: list[pd.Timestamp],
                   late_share: float) -> dict[str, np.ndarray]:
    """Batch number (0..len(cuts)) of every row of every table."""
    batches: dict[str, np.ndarray] = {}
    arrival: dict[str, pd.Series] = {}
    for name, column in ARRIVAL_COLUMN.items():
        arrival[name] = _instants(tables[name][column])
    orders = tables["orders"].assign(_arrival=arrival["orders"])
    orders["_order_id"] = orders["order_id"].str.strip()
    first_seen = orders.groupby("_order_id")["_arrival"].min()
    items = tables["order_items"]
    arrival["order_items"] = items["order_id"].str.strip().map(first_seen)
    cut_values = np.array([c.tz_convert(None).to_datetime64() for c in cuts],
                          dtype="datetime64[ns]")
    for name, frame in tables.items():
        if name not in arrival:
            batches[name] = np.zeros(len(frame), dtype=int)
            continue
        instants = arrival[name]
        known = instants.notna().to_numpy()
        values = instants.fillna(pd.Timestamp("1900-01-01", tz="UTC")).dt.tz_convert(None)
        values = values.to_numpy(dtype="datetime64[ns]")
        batch = np.searchsorted(cut_values, values, side="right")
        batch = np.where(known, batch, 0)
        batch = np.minimum(batch + _late(frame, late_share), len(cuts))
        batches[name] = batch
    return batches


def split(raw_dir: Path, out_dir: Path, cuts: list[pd.Timestamp], fmt: str = "csv",
          late_share: float = 0.03) -> dict[str, list[int]]:
    """Write the batches; returns rows per batch for each table."""
    tables = {t.name: read_raw(raw_dir, t.name) for t in RAW_TABLES}
    batches = assign_batches(tables, cuts, late_share)
    out_dir.mkdir(parents=True, exist_ok=True)
    counts: dict[str, list[int]] = {}
    for name, frame in tables.items():
        counts[name] = []
        for number in range(len(cuts) + 1):
            part = frame[batches[name] == number]
            counts[name].append(len(part))
            if number == 0:
                stem = f"raw_{name}"
            else:
                if part.empty:
                    continue
                stem = f"raw_{name}__{number:02d}_{cuts[number - 1]:%Y%m%d}"
            write_table(part, out_dir / stem, fmt)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--raw", type=Path, required=True, help="raw_<name>.csv|parquet folder")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--at", action="append", required=True, help="cut instant, repeatable")
    parser.add_argument("--late-share", type=float, default=0.03)
    parser.add_argument("--format", choices=["csv", "parquet"], default="csv")
    args = parser.parse_args(argv)
    cuts = sorted(pd.Timestamp(a, tz="UTC") for a in args.at)
    counts = split(args.raw, args.out, cuts, args.format, args.late_share)
    for name, per_batch in counts.items():
        print(f"{name:>14}: " + " + ".join(f"{n:,}" for n in per_batch))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
