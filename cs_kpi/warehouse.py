"""Which warehouse the Python steps (summary, gate, publish, dashboard) talk to.

- ``duckdb`` (default): the embedded file, ``CS_KPI_DUCKDB_PATH`` or warehouse/cs_kpi.duckdb.
- ``spark`` (``CS_KPI_TARGET=spark``): read through the DuckDB catalog of the Spark tables'
  Parquet files (``cs_kpi.spark_catalog``), so it is a ``duckdb`` warehouse to every step.
- ``postgres`` (``CS_KPI_TARGET=postgres``, the dbt target of the same name): the server the
  standard libpq variables name (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE). Its local
  bookkeeping (the build lock and the gate's verdict) lives in ``warehouse/postgres-<db>.*``.

``Warehouse.connect()`` gives a small connection with ``rows``/``dicts``/``scalar`` that take
DuckDB-style ``?`` parameters on both engines.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_DUCKDB = "warehouse/cs_kpi.duckdb"
# On a server dbt builds the marts here; publish makes them `marts` (dbt_project.yml).
WORKING_MARTS_SCHEMA = "marts_build"
TARGET_ENV = "CS_KPI_TARGET"


class WarehouseError(RuntimeError):
    """The warehouse cannot be reached (one line, no secret in it)."""


def target_kind() -> str:
    return "postgres" if os.environ.get(TARGET_ENV) == "postgres" else "duckdb"


@dataclass(frozen=True)
class Warehouse:
    kind: str
    path: Path

    @property
    def label(self) -> str:
        if self.kind == "duckdb":
            return str(self.path)
        host = os.environ.get("PGHOST", "localhost")
        return f"postgresql://{host}:{os.environ.get('PGPORT', '5432')}/{self.database_name}"

    @property
    def marts_schema(self) -> str:
        """Where dbt writes the marts: on a server BI tools read `marts`, which publish
        replaces with a validated copy of this schema."""
        return "marts" if self.kind == "duckdb" else WORKING_MARTS_SCHEMA

    @property
    def database_name(self) -> str:
        return os.environ.get("PGDATABASE", "cs_kpi")

    def exists(self) -> bool:
        if self.kind == "duckdb":
            return self.path.exists()
        try:
            with self.connect() as con:
                con.scalar("select 1")
        except WarehouseError:
            return False
        return True

    @contextlib.contextmanager
    def connect(self, read_only: bool = True) -> Iterator[Connection]:
        if self.kind == "duckdb":
            import duckdb

            with duckdb.connect(str(self.path), read_only=read_only) as con:
                yield Connection(con, "duckdb")
            return
        connection = connect_postgres()
        connection.autocommit = read_only
        try:
            yield Connection(connection, "postgres")
            if not read_only:
                connection.commit()
        finally:
            connection.close()


def connect_postgres(application_name: str = "cs_kpi"):
    import psycopg2

    try:
        return psycopg2.connect("", connect_timeout=10, application_name=application_name)
    except psycopg2.OperationalError as error:
        detail = str(error).strip().splitlines()[0] if str(error).strip() else "no detail"
        raise WarehouseError("cannot connect to PostgreSQL (PGHOST/PGPORT/PGUSER/PGDATABASE): "
                             f"{detail}") from None


class Connection:
    """One engine's connection behind one small interface."""

    def __init__(self, raw: Any, kind: str):
        self.raw = raw
        self.kind = kind

    def _cursor_execute(self, sql: str, params: Sequence[Any]):
        if self.kind == "duckdb":
            return self.raw.execute(sql, list(params))
        cursor = self.raw.cursor()
        cursor.execute(sql.replace("%", "%%").replace("?", "%s") if params else sql,
                       tuple(params) or None)
        return cursor

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        return self._cursor_execute(sql, params).fetchall()

    def dicts(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cursor = self._cursor_execute(sql, params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        rows = self.rows(sql, params)
        return rows[0][0] if rows else None

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self._cursor_execute(sql, params)

    def has_table(self, schema: str, table: str) -> bool:
        return bool(self.scalar(
            "select count(*) from information_schema.tables "
            "where table_schema = ? and table_name = ?", [schema, table]))


def from_path(database: Path | str | None = None) -> Warehouse:
    """The warehouse of the current target; ``database`` is the DuckDB file (duckdb only).
    With ``CS_KPI_TARGET=spark`` it is the DuckDB catalog of the Spark warehouse's files
    (cs_kpi.spark_catalog)."""
    if database is None and os.environ.get(TARGET_ENV) == "spark":
        from cs_kpi.spark_catalog import catalog_path

        return Warehouse("duckdb", catalog_path())
    if target_kind() == "postgres":
        name = os.environ.get("PGDATABASE", "cs_kpi")
        return Warehouse("postgres", Path("warehouse") / f"postgres-{name}")
    return Warehouse("duckdb",
                     Path(database or os.environ.get("CS_KPI_DUCKDB_PATH", DEFAULT_DUCKDB)))


def as_warehouse(database: Warehouse | Path | str) -> Warehouse:
    if isinstance(database, Warehouse):
        return database
    return from_path(database)
