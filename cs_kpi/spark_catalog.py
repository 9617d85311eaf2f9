"""The local Spark warehouse, readable by the Python steps without a JVM.

``python -m cs_kpi.spark_catalog [--spark-dir DIR]``

dbt's ``spark`` target (profiles.yml) keeps every table as Parquet files in
``<spark-dir>/tables/<schema>.db/<table>/`` (Spark's built-in format, a Hive metastore in
``<spark-dir>/metastore_db``). This step writes ``<spark-dir>/cs_kpi.duckdb``: one DuckDB view
per Spark table over those very files, the schema ``marts_build`` shown as ``marts``. The
summary, the data-quality gate, publish and the dashboard then read Spark's own output the way
they read a DuckDB warehouse, in seconds and without starting Spark. The views hold no data:
they read the files as they are at query time, so the gate's verdict is tied to the files'
state (``fingerprint``), not to this catalog's.

The catalog is written under a temporary name and renamed into place; exit code 2 when the
folder holds no Spark warehouse.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import duckdb

SPARK_DIR_ENV = "CS_KPI_SPARK_DIR"
DEFAULT_SPARK_DIR = "warehouse/spark"
CATALOG_NAME = "cs_kpi.duckdb"
# Spark schema -> the DuckDB schema the Python steps know (dbt builds marts in marts_build on
# every engine but DuckDB; dbt_project.yml).
SCHEMAS = {
    "seeds": "seeds", "config": "config", "mapped": "mapped", "staging": "staging",
    "intermediate": "intermediate", "marts_build": "marts", "cs_kpi_meta": "cs_kpi_meta",
}


class NoSparkWarehouse(RuntimeError):
    """The folder holds no tables written by dbt's spark target."""


def spark_dir() -> Path:
    return Path(os.environ.get(SPARK_DIR_ENV, DEFAULT_SPARK_DIR))


def catalog_path(folder: Path | None = None) -> Path:
    return (folder or spark_dir()) / CATALOG_NAME


def spark_tables(folder: Path) -> dict[tuple[str, str], Path]:
    """(DuckDB schema, table) -> folder of the table's Parquet files."""
    tables = {}
    for schema_dir in sorted((folder / "tables").glob("*.db")):
        schema = SCHEMAS.get(schema_dir.name.removesuffix(".db"))
        if schema is None:
            continue
        for table_dir in sorted(p for p in schema_dir.iterdir() if p.is_dir()):
            if any(table_dir.glob("*.parquet")):
                tables[(schema, table_dir.name)] = table_dir.resolve()
    return tables


def fingerprint(folder: Path) -> list[int]:
    """Number, total size and newest modification time (ns) of the Parquet files: any table
    dbt rewrites changes it."""
    files = [p.stat() for p in (folder / "tables").glob("*.db/*/*.parquet")]
    newest = max((s.st_mtime_ns for s in files), default=0)
    return [len(files), sum(s.st_size for s in files), newest]


def is_catalog(database: Path) -> bool:
    return database.name == CATALOG_NAME and (database.parent / "metastore_db").is_dir()


def write_catalog(folder: Path) -> tuple[Path, int]:
    """Write the catalog of ``folder``; returns its path and the number of views."""
    tables = spark_tables(folder)
    if not tables:
        raise NoSparkWarehouse(f"{folder}: no Spark tables (run `dbt build --target spark` first)")
    target = catalog_path(folder)
    temporary = target.with_name(target.name + ".tmp")
    temporary.unlink(missing_ok=True)
    with duckdb.connect(str(temporary)) as con:
        for schema in sorted({schema for schema, _ in tables}):
            con.execute(f'create schema "{schema}"')
        for (schema, table), path in tables.items():
            files = str(path / "*.parquet").replace("'", "''")
            con.execute(f'create view "{schema}"."{table}" as '
                        f"select * from read_parquet('{files}')")
    os.replace(temporary, target)
    return target, len(tables)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--spark-dir", type=Path, default=None,
                        help=f"the spark target's folder (default {SPARK_DIR_ENV}, "
                             f"else {DEFAULT_SPARK_DIR})")
    args = parser.parse_args(argv)
    try:
        path, views = write_catalog(args.spark_dir or spark_dir())
    except NoSparkWarehouse as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 2
    print(f"{path}: {views} views over the Spark tables' Parquet files")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
