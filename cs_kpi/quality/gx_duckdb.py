"""The one workaround that makes Great Expectations 1.x evaluate SQL on DuckDB.

Problem (GE 1.24.1 with duckdb-engine): every expectation fails with
``MetricResolutionError`` because GE opens a fresh SQLAlchemy connection per query and
closes it before the results are read; it keeps one persisted connection only for the
dialects in ``_PERSISTED_CONNECTION_DIALECTS`` (sqlite, mssql, bigquery, databricks).
Adding DuckDB to that tuple makes every expectation evaluate in the database.

A second, smaller issue: table assets lose their schema in the ``table.column_types``
metric, so the gate uses query assets (``select * from <schema>.<table>``) instead.

``tests/python/test_quality_gate.py`` proves both ways: a known-good table passes and a
known-bad table fails with the expected expectation. If a GE upgrade renames the tuple,
``enable_duckdb_persisted_connection`` raises instead of silently validating nothing.
"""

from __future__ import annotations

from great_expectations.execution_engine import sqlalchemy_execution_engine as _engine

PINNED_GX_VERSION = "1.24.1"


class _DialectName(str):
    """A dialect name GE can compare both as a string and through ``.value`` (like its enum)."""

    @property
    def value(self) -> str:
        return str(self)


DUCKDB = _DialectName("duckdb")


def enable_duckdb_persisted_connection() -> None:
    """Let GE keep one connection open for DuckDB, as it does for sqlite. Idempotent."""
    name = "_PERSISTED_CONNECTION_DIALECTS"
    if not hasattr(_engine, name):
        raise RuntimeError(
            f"great_expectations no longer has {name}: the DuckDB workaround in "
            f"{__name__} needs a review for this GE version (pinned: {PINNED_GX_VERSION})"
        )
    dialects = tuple(getattr(_engine, name))
    if DUCKDB not in dialects:
        setattr(_engine, name, (*dialects, DUCKDB))
