"""Compare the floor script's marts with dbt's, cell by cell (doubles to 1e-9 relative)."""

from __future__ import annotations

import math
from pathlib import Path

import duckdb

from bench.floor import MARTS


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None:
            return a is None and b is None
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def differing_rows(floor_db: Path, dbt_db: Path) -> dict[str, int]:
    """mart -> rows that differ (or are missing on one side); 0 everywhere means equal."""
    result: dict[str, int] = {}
    with duckdb.connect() as con:
        con.execute(f"attach '{floor_db}' as floor_db (read_only)")
        con.execute(f"attach '{dbt_db}' as dbt_db (read_only)")
        for mart in MARTS:
            columns = [r[0] for r in con.execute(
                "select column_name from duckdb_columns() where database_name = 'floor_db' "
                "and table_name = ? order by column_index", [f"floor_{mart}"]).fetchall()]
            names = ", ".join(columns)
            floor_rows = con.execute(
                f"select {names} from floor_db.floor_{mart} order by 1").fetchall()
            dbt_rows = {r[0]: r for r in con.execute(
                f"select {names} from dbt_db.marts.{mart} order by 1").fetchall()}
            bad = abs(len(floor_rows) - len(dbt_rows))
            for row in floor_rows:
                other = dbt_rows.get(row[0])
                if other is None or not all(_same(a, b) for a, b in zip(row, other, strict=True)):
                    bad += 1
            result[mart] = bad
    return result
