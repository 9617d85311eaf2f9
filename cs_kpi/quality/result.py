"""The gate's verdict on one state of the warehouse file, for the publish step to check.

The gate writes ``<warehouse>.gate.json`` next to the DuckDB file: whether it passed, and the
file's fingerprint (size and modification time of the database and its WAL) as it was when
the checks started. ``cs_kpi.publish`` publishes only a warehouse whose current fingerprint
equals that of a passed gate, so a build after the gate, or a failed gate, publishes nothing.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path


def fingerprint(database: Path) -> dict[str, list[int]]:
    """Size and mtime (ns) of the database file and of its WAL, if any."""
    state: dict[str, list[int]] = {}
    for path in (database, database.with_name(database.name + ".wal")):
        if path.exists():
            stat = path.stat()
            state[path.name] = [stat.st_size, stat.st_mtime_ns]
    return state


def gate_result_path(database: Path) -> Path:
    return database.with_name(database.stem + ".gate.json")


@dataclass(frozen=True)
class GateResult:
    passed: bool
    expectations: int
    critical: int
    warnings: int
    fingerprint: dict[str, list[int]]
    checked_at: str = field(
        default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))


def write_gate_result(database: Path, result: GateResult) -> Path:
    path = gate_result_path(database)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(asdict(result), indent=2))
    os.replace(temporary, path)
    return path


def read_gate_result(database: Path) -> GateResult | None:
    path = gate_result_path(database)
    if not path.exists():
        return None
    return GateResult(**json.loads(path.read_text()))
