"""One build at a time on a warehouse, and what that warehouse was last built from.

- ``warehouse_lock``: an exclusive lock (``<warehouse>.lock``, flock) held by the pipeline
  for build, gate and publish, and by the gate or publish when run alone. A second one
  stops at once with ``another build is running (pid N)``. Steps started by a pipeline that
  holds the lock (``CS_KPI_LOCK_HELD=1``) do not take it again.
- ``read_build_state``: the row the dbt hooks write to ``cs_kpi_meta.build_state``
  (macros/utils/build_state.sql): input (a raw folder or ``seeds``), format, status.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb

LOCK_HELD_ENV = "CS_KPI_LOCK_HELD"


class WarehouseBusy(RuntimeError):
    """Another process holds the warehouse."""


@contextlib.contextmanager
def warehouse_lock(database: Path) -> Iterator[None]:
    if os.environ.get(LOCK_HELD_ENV) == "1":
        yield
        return
    path = database.with_name(database.name + ".lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 (held for the whole block)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            owner = handle.read().strip() or "unknown"
            raise WarehouseBusy(f"another build is running (pid {owner}) on {database}") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        handle.close()


@dataclass(frozen=True)
class BuildState:
    raw_input: str
    raw_format: str
    status: str

    def same_input(self, raw_path: str | None) -> bool:
        if not raw_path or self.raw_input == "seeds":
            return not raw_path and self.raw_input == "seeds"
        return os.path.abspath(self.raw_input) == os.path.abspath(str(raw_path))


def read_build_state(database: Path) -> BuildState | None:
    """None when the warehouse has no record (never built by a dbt build or run)."""
    try:
        with duckdb.connect(str(database), read_only=True) as con:
            row = con.execute(
                "select raw_input, raw_format, status from cs_kpi_meta.build_state"
            ).fetchone()
    except duckdb.CatalogException:
        return None
    return BuildState(*row) if row else None


def describe_input(state: BuildState) -> str:
    return "the seeds" if state.raw_input == "seeds" else f"{state.raw_input} ({state.raw_format})"
