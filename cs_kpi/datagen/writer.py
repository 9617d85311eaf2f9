"""Write all-text frames as ``raw_<name>.csv`` (RFC 4180 quoting) or ``.parquet`` (strings)."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq


def write_tables(
    tables: dict[str, pd.DataFrame], out_dir: Path, formats: list[str]
) -> list[tuple[Path, int]]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in tables.items():
        for fmt in formats:
            path = out_dir / f"raw_{name}.{fmt}"
            if fmt == "csv":
                frame.to_csv(path, index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
            else:
                # Empty text is NULL in the contract; Parquet keeps that as a real null.
                arrays = {c: pa.array(frame[c].where(frame[c] != "", None), pa.string())
                          for c in frame.columns}
                pq.write_table(pa.table(arrays), path)
            written.append((path, len(frame)))
    return written
