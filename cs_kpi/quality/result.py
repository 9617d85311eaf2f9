"""The gate's verdict on one state of the warehouse file, for the publish step to check.

The gate writes ``<warehouse>.gate.json`` next to the DuckDB file (on PostgreSQL next to the
local bookkeeping path, with the build's dbt invocation id as the fingerprint): whether it
passed, and the file's fingerprint (size and modification time of the database and its
WAL) as it was when the checks started. ``cs_kpi.publish`` publishes only a warehouse
whose current fingerprint equals that of a passed gate, so a build after the gate, or a
failed gate, publishes nothing.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cs_kpi import spark_catalog
from cs_kpi.warehouse import Warehouse, as_warehouse
from cs_kpi.warehouse_state import build_invocation


def fingerprint(database: Warehouse | Path) -> dict[str, Any]:
    """DuckDB: size and mtime (ns) of the database file and of its WAL, if any. PostgreSQL:
    the dbt invocation that last built it (every dbt build or run records a new one)."""
    warehouse = as_warehouse(database)
    if warehouse.kind == "postgres":
        return {"build_invocation": build_invocation(warehouse)}
    database = warehouse.path
    state: dict[str, Any] = {}
    for path in (database, database.with_name(database.name + ".wal")):
        if path.exists():
            stat = path.stat()
            state[path.name] = [stat.st_size, stat.st_mtime_ns]
    if spark_catalog.is_catalog(database):
        # The catalog's views read Spark's files as they are: their state is what was checked.
        state["spark_tables"] = spark_catalog.fingerprint(database.parent)
    return state


def gate_result_path(database: Warehouse | Path) -> Path:
    database = as_warehouse(database).path
    return database.with_name(database.stem + ".gate.json")


@dataclass(frozen=True)
class GateResult:
    passed: bool
    expectations: int
    critical: int
    warnings: int
    fingerprint: dict[str, Any]
    checked_at: str = field(
        default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))


def write_gate_result(database: Warehouse | Path, result: GateResult) -> Path:
    path = gate_result_path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(asdict(result), indent=2))
    os.replace(temporary, path)
    return path


def read_gate_result(database: Warehouse | Path) -> GateResult | None:
    path = gate_result_path(database)
    if not path.exists():
        return None
    return GateResult(**json.loads(path.read_text()))
