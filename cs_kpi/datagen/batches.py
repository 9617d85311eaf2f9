"""Split a raw data set into arrival batches, as a daily export would deliver it.

``python -m cs_kpi.datagen.batches --raw DIR --out DIR --at 2026-01-01 [--at ...]
[--late-share 0.03] [--format csv|parquet]``

Each raw row gets an arrival instant: the time its system would have exported it
(customers, tickets, orders: ``updated_at``; calls: ``ended_at``; surveys: ``submitted_at``;
shifts: ``shift_end``; status changes: ``changed_at``; order items: their order's first
version; agents and products: the start). Rows are cut at the ``--at`` instants into
batches: batch 0 is written as ``raw_<name>.<fmt>``, batch k as
``raw_<name>__<kk>_<date>.<fmt>``, which the staging base models load incrementally. A share
of rows (chosen by a hash of the row, so deterministic) arrives one batch late, and rows
whose arrival cannot be parsed come with the first batch.
Every raw row lands in exactly one batch.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import duckdb
import pandas as pd

from cs_kpi.raw_schema import RAW_TABLES

ARRIVAL_COLUMN = {
    "customers": "updated_at",
    "tickets": "updated_at",
    "orders": "updated_at",
    "calls": "ended_at",
    "surveys": "submitted_at",
    "agent_shifts": "shift_end",
    "ticket_status_changes": "changed_at",
}


def _reader(raw_dir: Path, name: str, fmt: str) -> str:
    path = raw_dir / f"raw_{name}.{fmt}"
    if fmt == "parquet":
        return f"read_parquet('{path}')"
    return (f"read_csv('{path}', header = true, all_varchar = true, delim = ',', quote = '\"', "
            f"escape = '\"', max_line_size = 10000000)")


def _instant(column: str) -> str:
    """Loose ISO reading, good enough to place a row in time (unreadable -> NULL)."""
    return f"try_cast(replace(upper(trim({column})), 'T', ' ') as timestamptz)"


def split(raw_dir: Path, out_dir: Path, cuts: list[pd.Timestamp], fmt: str = "csv",
          late_share: float = 0.03) -> dict[str, list[int]]:
    """Write the batches (in DuckDB, so memory stays bounded at any scale); rows per batch."""
    out_dir.mkdir(parents=True, exist_ok=True)
    counts: dict[str, list[int]] = {}
    with duckdb.connect() as con:
        con.execute("set TimeZone = 'UTC'")
        con.execute("set preserve_insertion_order = false")
        con.execute(f"create temp table order_arrival as select trim(order_id) as order_id, "
                    f"min({_instant('updated_at')}) as arrival "
                    f"from {_reader(raw_dir, 'orders', fmt)} group by 1")
        cut_sql = [f"cast('{c.isoformat()}' as timestamptz)" for c in cuts]
        for table in RAW_TABLES:
            name, columns = table.name, list(table.columns)
            if name in ARRIVAL_COLUMN:
                arrival = _instant(ARRIVAL_COLUMN[name])
            elif name == "order_items":
                arrival = ("(select arrival from order_arrival as o "
                           "where o.order_id = trim(raw.order_id))")
            else:
                arrival = "cast(null as timestamptz)"
            passed = " + ".join(
                f"case when arrival >= {c} then 1 else 0 end" for c in cut_sql) or "0"
            row_text = "concat_ws(chr(31), " + ", ".join(
                f"coalesce({c}, '')" for c in columns) + ")"
            late = (f"case when hash({row_text}) % 10000 < {int(late_share * 10_000)} "
                    "then 1 else 0 end")
            con.execute(f"""
                create or replace temp table batched as
                select {', '.join(columns)},
                    least(coalesce({passed}, 0) + {late}, {len(cuts)}) as batch
                from (select *, {arrival} as arrival from {_reader(raw_dir, name, fmt)} as raw)
            """)
            per_batch = dict(con.execute(
                "select batch, count(*) from batched group by 1").fetchall())
            counts[name] = [per_batch.get(n, 0) for n in range(len(cuts) + 1)]
            for number in range(len(cuts) + 1):
                if number and not per_batch.get(number):
                    continue
                stem = f"raw_{name}" if number == 0 else \
                    f"raw_{name}__{number:02d}_{cuts[number - 1]:%Y%m%d}"
                options = "format parquet" if fmt == "parquet" else "format csv, header true"
                con.execute(f"copy (select {', '.join(columns)} from batched "
                            f"where batch = {number}) to '{out_dir / f'{stem}.{fmt}'}' ({options})")
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
