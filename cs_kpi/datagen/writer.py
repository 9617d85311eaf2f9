"""Write all-text frames as ``raw_<name>.csv`` (RFC 4180 quoting) or ``.parquet`` (strings)."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq


def write_table(frame: pd.DataFrame, stem: Path, fmt: str) -> Path:
    """Write one all-text frame to ``<stem>.<fmt>``; empty text is NULL in both formats."""
    path = stem.with_name(f"{stem.name}.{fmt}")
    if fmt == "csv":
        frame.to_csv(path, index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    else:
        # Empty text is NULL in the contract; Parquet keeps that as a real null.
        arrays = {c: pa.array(frame[c].where(frame[c] != "", None), pa.string())
                  for c in frame.columns}
        pq.write_table(pa.table(arrays), path)
    return path


def write_tables(
    tables: dict[str, pd.DataFrame], out_dir: Path, formats: list[str]
) -> list[tuple[Path, int]]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in tables.items():
        for fmt in formats:
            written.append((write_table(frame, out_dir / f"raw_{name}", fmt), len(frame)))
    return written


def read_raw(raw_dir: Path, name: str) -> pd.DataFrame:
    """One raw table as all-text (empty string for NULL), from CSV or Parquet."""
    csv_path, parquet_path = raw_dir / f"raw_{name}.csv", raw_dir / f"raw_{name}.parquet"
    if csv_path.exists():
        return pd.read_csv(csv_path, dtype=str, keep_default_na=False, na_filter=False)
    frame = pq.read_table(parquet_path).to_pandas()
    return frame.astype(object).where(frame.notna(), "").astype(str)
