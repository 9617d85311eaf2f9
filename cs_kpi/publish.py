"""Write-audit-publish: copy the validated marts to a separate, read-only place for BI tools.

``python -m cs_kpi.publish [--database PATH] [--publish-dir DIR]``

DuckDB lets one process write a database file, so a BI tool holding the working warehouse
open would block ``dbt build``, and a build would block the BI tool. The build writes the
working warehouse (write), the dbt tests and the Great Expectations gate check it (audit),
and only then this step publishes (publish):

- ``<publish-dir>/cs_kpi_bi.duckdb``: every table of the ``marts`` schema, with the dbt
  descriptions as table and column comments, and ``meta.publish_info``. It is written under
  a temporary name, checkpointed, made read-only (mode 0444) and renamed over the previous
  file in one atomic ``rename``. A reader that has the old file open keeps reading the old
  version until it reconnects; a new connection sees the new one; no reader ever sees a
  partial file, and no reader holds a lock the build needs.
- ``<publish-dir>/parquet/current/<table>.parquet``: the same tables as Parquet. ``current``
  is a symbolic link to a version folder, swapped atomically; the last three versions are
  kept so readers in the middle of a scan are not cut off.
- ``<publish-dir>/publish.json``: version, time, source, gate verdict and row counts.
- ``<publish-dir>/state/manifest.json``: dbt's manifest of the build that was published, the
  production state slim CI compares a change with (``cs-kpi slim-ci``).

It refuses (exit 1, nothing touched) unless ``cs_kpi.quality.gate`` passed on exactly this
state of the warehouse file (see ``cs_kpi.quality.result``).

On PostgreSQL (CS_KPI_TARGET=postgres) the validated marts become the schema ``marts`` of the
same database in one transaction (``cs_kpi.publish_postgres``); ``publish.json`` is written
as for DuckDB.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import sys
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from cs_kpi.quality.result import fingerprint, gate_result_path, read_gate_result
from cs_kpi.warehouse import Warehouse, WarehouseError, from_path
from cs_kpi.warehouse_state import WarehouseBusy, warehouse_lock

PROJECT = Path(__file__).resolve().parents[1]
DEFAULT_PUBLISH_DIR = Path(os.environ.get("CS_KPI_PUBLISH_DIR", "warehouse/published"))
# Under the publish dir: the manifest of the published build (slim CI's production state).
STATE_DIR = "state"
PUBLISHED_DATABASE = "cs_kpi_bi.duckdb"
PUBLISHED_SCHEMAS = ("marts",)
KEEP_PARQUET_VERSIONS = 3
DEFAULT_CURRENCY = "USD"  # dbt var cost_currency


class PublishRefused(RuntimeError):
    """The warehouse is not in a validated state; nothing was published."""


@dataclass(frozen=True)
class PublishResult:
    version: str
    published_at: str
    source: str
    database: str
    parquet_dir: str
    tables: dict[str, int]
    seconds: float


def check_gate(database: Warehouse | Path) -> None:
    """Raise PublishRefused unless a passed gate checked exactly the current warehouse file."""
    result = read_gate_result(database)
    if result is None:
        raise PublishRefused(f"no gate result at {gate_result_path(database)}: run the "
                             "data-quality gate (python -m cs_kpi.quality.gate) first")
    if not result.passed:
        raise PublishRefused(f"the data-quality gate failed at {result.checked_at} "
                             f"({result.critical} critical failures): nothing published")
    if result.fingerprint != fingerprint(database):
        raise PublishRefused("the warehouse changed after the gate checked it "
                             f"(gate ran at {result.checked_at}): run the gate again")


def _descriptions(manifest_path: Path) -> dict[str, tuple[str, dict[str, str]]]:
    """model name -> (description, {column: description}) from dbt's manifest.json."""
    if not manifest_path.exists():
        return {}
    nodes = json.loads(manifest_path.read_text())["nodes"].values()
    return {
        node["name"]: (node.get("description", ""),
                       {name: col.get("description", "") for name, col in node["columns"].items()})
        for node in nodes if node["resource_type"] == "model"
    }


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _published_tables(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    placeholders = ", ".join("?" for _ in PUBLISHED_SCHEMAS)
    return con.execute(
        "select table_schema, table_name from information_schema.tables "
        f"where table_catalog = 'src' and table_schema in ({placeholders}) "
        # Views only in the catalog of a Spark warehouse (cs_kpi.spark_catalog): they read
        # Spark's Parquet files, which is what is published.
        "and (table_type = 'BASE TABLE' or exists (select 1 from information_schema.tables "
        "where table_catalog = 'src' and table_schema = 'cs_kpi_meta' "
        "and table_name = 'build_state' and table_type = 'VIEW')) order by 1, 2",
        list(PUBLISHED_SCHEMAS),
    ).fetchall()


def _write_database(source: Path, target: Path, version: str, published_at: str,
                    manifest_path: Path, parquet_dir: Path) -> dict[str, int]:
    descriptions = _descriptions(manifest_path)
    counts: dict[str, int] = {}
    con = duckdb.connect(str(target))
    try:
        con.execute(f"attach {_quote(str(source))} as src (read_only)")
        tables = _published_tables(con)
        if not tables:
            raise PublishRefused(f"{source} has no tables in schema(s) {PUBLISHED_SCHEMAS}")
        for schema in sorted({schema for schema, _ in tables}):
            con.execute(f"create schema {schema}")
        for schema, table in tables:
            con.execute(f"create table {schema}.{table} as select * from src.{schema}.{table}")
            counts[f"{schema}.{table}"] = con.execute(
                f"select count(*) from {schema}.{table}").fetchall()[0][0]
            description, columns = descriptions.get(table, ("", {}))
            if description:
                con.execute(f"comment on table {schema}.{table} is {_quote(description.strip())}")
            for column, text in columns.items():
                if text:
                    con.execute(f'comment on column {schema}.{table}."{column}" '
                                f"is {_quote(text.strip())}")
            con.execute(f"copy {schema}.{table} to {_quote(str(parquet_dir / f'{table}.parquet'))} "
                        "(format parquet, compression zstd)")
        try:
            zone, currency = con.execute(
                "select reporting_timezone, cost_currency from src.cs_kpi_meta.build_state"
            ).fetchall()[0]
        except (duckdb.Error, IndexError):  # a warehouse built before the build record
            zone, currency = "UTC", DEFAULT_CURRENCY
        con.execute("detach src")
        con.execute("create schema meta")
        con.execute("create table meta.publish_info as select ? as version, "
                    "cast(? as timestamp) as published_at, ? as source_database, "
                    "? as reporting_timezone, ? as cost_currency",
                    [version, published_at.replace("+00:00", ""), str(source), zone, currency])
        con.execute("checkpoint")
    finally:
        con.close()
    return counts


def _swap_symlink(link: Path, target_name: str) -> None:
    temporary = link.with_name(f".{link.name}.{os.getpid()}.tmp")
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    temporary.symlink_to(target_name)
    os.replace(temporary, link)


def _prune_parquet_versions(parquet_root: Path, current: str) -> None:
    versions = sorted(p for p in parquet_root.iterdir()
                      if p.is_dir() and not p.is_symlink() and p.name.startswith("v"))
    for old in versions[:-KEEP_PARQUET_VERSIONS]:
        if old.name != current:
            shutil.rmtree(old, ignore_errors=True)


def _write_result(publish_dir: Path, result: PublishResult) -> None:
    publish_dir.mkdir(parents=True, exist_ok=True)
    manifest = publish_dir / "publish.json"
    temporary = manifest.with_name(manifest.name + ".tmp")
    temporary.write_text(json.dumps(asdict(result), indent=2))
    os.replace(temporary, manifest)


def save_state(publish_dir: Path, manifest_path: Path) -> None:
    """Keep the published build's manifest as the production state of slim CI."""
    if not manifest_path.exists():
        return
    state = publish_dir / STATE_DIR
    state.mkdir(parents=True, exist_ok=True)
    temporary = state / "manifest.json.tmp"
    shutil.copyfile(manifest_path, temporary)
    os.replace(temporary, state / "manifest.json")


def _manifest_path(manifest_path: Path | None) -> Path:
    target_path = Path(os.environ.get("DBT_TARGET_PATH", PROJECT / "target"))
    return manifest_path or target_path / "manifest.json"


def publish_server(warehouse: Warehouse, publish_dir: Path, manifest_path: Path | None = None,
                   require_gate: bool = True) -> PublishResult:
    """PostgreSQL: audit check, then the schema swap (cs_kpi.publish_postgres)."""
    from cs_kpi.publish_postgres import PUBLISHED_SCHEMA, build_labels, publish_postgres

    started = time.perf_counter()
    if require_gate:
        check_gate(warehouse)
    now = datetime.now(UTC)
    version = "v" + now.strftime("%Y%m%dT%H%M%S%fZ")
    try:
        zone, currency = build_labels()
        counts = publish_postgres(version, now, warehouse.label, zone, currency,
                                  _descriptions(_manifest_path(manifest_path)))
    except RuntimeError as refused:
        raise PublishRefused(str(refused)) from None
    result = PublishResult(
        version=version, published_at=now.isoformat(timespec="seconds"),
        source=warehouse.label, database=f"{warehouse.label} schema {PUBLISHED_SCHEMA}",
        parquet_dir="", tables=counts, seconds=round(time.perf_counter() - started, 3),
    )
    _write_result(publish_dir, result)
    save_state(publish_dir, _manifest_path(manifest_path))
    return result


def publish(database: Path, publish_dir: Path, manifest_path: Path | None = None,
            require_gate: bool = True) -> PublishResult:
    """Audit check, then build the new version aside and swap it in atomically."""
    started = time.perf_counter()
    database = database.resolve()
    if not database.exists():
        raise PublishRefused(f"no warehouse at {database}: run the build first")
    if require_gate:
        check_gate(database)
    manifest_path = _manifest_path(manifest_path)
    now = datetime.now(UTC)
    version = "v" + now.strftime("%Y%m%dT%H%M%S%fZ")
    published_at = now.isoformat(timespec="seconds")

    publish_dir.mkdir(parents=True, exist_ok=True)
    parquet_root = publish_dir / "parquet"
    parquet_version = parquet_root / version
    parquet_version.mkdir(parents=True)
    staged = publish_dir / f".{PUBLISHED_DATABASE}.{version}.tmp"
    try:
        counts = _write_database(database, staged, version, published_at, manifest_path,
                                 parquet_version)
        staged.chmod(0o444)
    except BaseException:
        for leftover in (staged, staged.with_name(staged.name + ".wal")):
            with contextlib.suppress(OSError):
                leftover.chmod(0o644)
                leftover.unlink()
        shutil.rmtree(parquet_version, ignore_errors=True)
        raise
    final = publish_dir / PUBLISHED_DATABASE
    os.replace(staged, final)  # the swap: atomic on one file system
    _swap_symlink(parquet_root / "current", version)
    _prune_parquet_versions(parquet_root, version)

    result = PublishResult(
        version=version, published_at=published_at, source=str(database),
        database=str(final.resolve()),
        parquet_dir=str((parquet_root / "current").absolute()), tables=counts,
        seconds=round(time.perf_counter() - started, 3),
    )
    _write_result(publish_dir, result)
    save_state(publish_dir, manifest_path)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", type=Path, default=None,
                        help="DuckDB file (default CS_KPI_DUCKDB_PATH or warehouse/cs_kpi.duckdb)")
    parser.add_argument("--publish-dir", type=Path, default=DEFAULT_PUBLISH_DIR)
    args = parser.parse_args(argv)
    warehouse = from_path(args.database)
    try:
        with warehouse_lock(warehouse):
            if warehouse.kind == "postgres":
                result = publish_server(warehouse, args.publish_dir)
            else:
                result = publish(warehouse.path, args.publish_dir)
    except (PublishRefused, WarehouseBusy, WarehouseError) as refused:
        print(f"PUBLISH REFUSED: {refused}", file=sys.stderr)
        return 1
    except (OSError, duckdb.Error, _database_errors()) as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        print(f"PUBLISH FAILED: {reason}; temporary files removed, the last published "
              "version is unchanged", file=sys.stderr)
        return 1
    rows = sum(result.tables.values())
    print(f"Published {len(result.tables)} tables ({rows:,} rows) as {result.version} "
          f"in {result.seconds:.1f} s")
    if warehouse.kind == "postgres":
        print(f"  PostgreSQL: {result.database}")
        return 0
    print(f"  DuckDB (read-only): {result.database}")
    print(f"  Parquet:            {result.parquet_dir}/<table>.parquet")
    return 0


def _database_errors() -> type[Exception]:
    try:
        import psycopg2
    except ImportError:  # the DuckDB-only install
        return duckdb.Error
    return psycopg2.Error


if __name__ == "__main__":
    raise SystemExit(main())
