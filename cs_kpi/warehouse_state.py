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

from cs_kpi.warehouse import Warehouse, as_warehouse

LOCK_HELD_ENV = "CS_KPI_LOCK_HELD"


class WarehouseBusy(RuntimeError):
    """Another process holds the warehouse."""


@contextlib.contextmanager
def warehouse_lock(database: Warehouse | Path) -> Iterator[None]:
    """On PostgreSQL the lock file is the local bookkeeping path's: it keeps two pipelines of
    this machine apart (a team sharing a server runs one scheduler)."""
    if os.environ.get(LOCK_HELD_ENV) == "1":
        yield
        return
    database = as_warehouse(database).path
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

    @property
    def in_warehouse(self) -> bool:
        """Built from warehouse tables: source:<schema> or <system>:<schemas> (not a path)."""
        system, _, schemas = self.raw_input.partition(":")
        return bool(schemas) and system.isidentifier()

    def same_input(self, raw_path: str | None) -> bool:
        if not raw_path or self.raw_input == "seeds":
            return not raw_path and self.raw_input == "seeds"
        if self.in_warehouse:  # loaded from raw_path into the warehouse's tables
            return True
        return os.path.abspath(self.raw_input) == os.path.abspath(str(raw_path))


def read_build_state(database: Warehouse | Path) -> BuildState | None:
    """None when the warehouse has no record (never built by a dbt build or run)."""
    with as_warehouse(database).connect() as con:
        if not con.has_table("cs_kpi_meta", "build_state"):
            return None
        rows = con.rows("select raw_input, raw_format, status from cs_kpi_meta.build_state")
    return BuildState(*rows[0]) if rows else None


def build_invocation(database: Warehouse | Path) -> str | None:
    """The dbt invocation that last wrote the build record: any later build changes it."""
    with as_warehouse(database).connect() as con:
        if not con.has_table("cs_kpi_meta", "build_state"):
            return None
        return con.scalar("select invocation_id from cs_kpi_meta.build_state")


def describe_input(state: BuildState) -> str:
    if state.raw_input == "seeds":
        return "the seeds"
    if state.raw_input.startswith("source:"):
        return f"the raw tables of schema {state.raw_input.removeprefix('source:')}"
    if state.in_warehouse:
        system, _, schemas = state.raw_input.partition(":")
        return f"the {system} tables of schemas {schemas}"
    return f"{state.raw_input} ({state.raw_format})"
