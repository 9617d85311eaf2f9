"""Large scales in bounded memory: generate independent shards and stream them to the files.

A scale above ``SHARD_SCALE`` is generated as ``ceil(scale / SHARD_SCALE)`` shards of equal
scale, each with its own seed, and appended to ``raw_<name>.<fmt>`` as it is made, so peak
memory is that of one shard whatever the scale. Keys are made unique across shards by putting
the shard number in front of the digits of every customer, agent, ticket, call, response,
shift and order id ("C0000042" in shard 3 becomes "C0030000042", in every table that refers
to it); shard 0 keeps the ids it would have alone. Products are one catalogue: only shard 0
writes them, and every shard's items refer to the same product ids.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from cs_kpi.datagen.build import generate

SHARD_SCALE = 50.0
ID_COLUMNS = {
    "customers": ["customer_id"],
    "agents": ["agent_id"],
    "agent_shifts": ["shift_id", "agent_id"],
    "tickets": ["ticket_id", "customer_id", "agent_id"],
    "calls": ["call_id", "customer_id", "agent_id", "ticket_id"],
    "surveys": ["response_id", "customer_id", "ticket_id", "call_id"],
    "orders": ["order_id", "customer_id"],
    "order_items": ["order_id"],
    "products": [],
    "ticket_status_changes": ["ticket_id"],
}


def shard_ids(frame: pd.DataFrame, table: str, shard: int) -> pd.DataFrame:
    if shard == 0:
        return frame
    frame = frame.copy()
    for column in ID_COLUMNS[table]:
        frame[column] = frame[column].str.replace(
            r"^(\s*[A-Za-z]+)(\d)", rf"\g<1>{shard:03d}\2", regex=True)
    return frame


class TableSink:
    """Appends all-text frames to one raw file per table and format."""

    def __init__(self, out_dir: Path, formats: list[str]) -> None:
        self.out_dir = out_dir
        self.formats = formats
        self.parquet: dict[str, pq.ParquetWriter] = {}
        self.csv_started: set[str] = set()
        self.rows: dict[str, int] = {}
        out_dir.mkdir(parents=True, exist_ok=True)

    def append(self, name: str, frame: pd.DataFrame) -> None:
        self.rows[name] = self.rows.get(name, 0) + len(frame)
        for fmt in self.formats:
            path = self.out_dir / f"raw_{name}.{fmt}"
            if fmt == "csv":
                first = name not in self.csv_started
                frame.to_csv(path, mode="w" if first else "a", header=first, index=False,
                             quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
                self.csv_started.add(name)
            else:
                table = pa.table({c: pa.array(frame[c].where(frame[c] != "", None), pa.string())
                                  for c in frame.columns})
                if name not in self.parquet:
                    self.parquet[name] = pq.ParquetWriter(path, table.schema)
                self.parquet[name].write_table(table)

    def close(self) -> list[tuple[Path, int]]:
        for writer in self.parquet.values():
            writer.close()
        return [(self.out_dir / f"raw_{name}.{fmt}", rows)
                for name, rows in self.rows.items() for fmt in self.formats]


def generate_sharded(
    scale: float, seed: int, out_dir: Path, formats: list[str]
) -> list[tuple[Path, int]]:
    shards = max(1, math.ceil(scale / SHARD_SCALE))
    sink = TableSink(out_dir, formats)
    for shard in range(shards):
        tables = generate(scale / shards, seed + 7919 * shard)
        for name, frame in tables.items():
            if name == "products" and shard > 0:
                continue
            sink.append(name, shard_ids(frame, name, shard))
        del tables
    return sink.close()
