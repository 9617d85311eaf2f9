"""Load a folder of raw files into a warehouse's raw tables (SPEC part A v2).

    cs-kpi load --raw-path DIR [--format csv|parquet] [--schema raw]
    cs-kpi load --source fivetran --raw-path DIR   vendor exports (see below)
    cs-kpi load --salt-only      store CS_KPI_PII_SALT in the warehouse, load nothing

Each of the nine tables ``<schema>.raw_<name>`` gets every contract column as text plus the
batch columns staging reads incrementally: ``_raw_file`` (the batch id: file path, size and
modification time, as when DuckDB reads the files), ``_raw_row`` (CSV line, Parquet row
number), ``_is_malformed`` and ``_loaded_at`` (when the batch was loaded). Files are parsed by
the project's reader (``cs_kpi.raw_reader``), so a malformed line becomes a flagged row here
exactly as on DuckDB. The table mirrors the folder: a new file is loaded once, a replaced or
removed file's rows are deleted, all in one transaction.

``--source fivetran``: ``DIR/zendesk/<table>.csv`` and ``DIR/shopify/<table>.csv`` (Fivetran's
table names, see ``cs_kpi.vendor_schema``) go to the schemas ``zendesk`` and ``shopify``
(``CS_KPI_ZENDESK_SCHEMA``, ``CS_KPI_SHOPIFY_SCHEMA``), their declared columns as text (other
columns, such as Fivetran's own, are ignored); ``--source freshdesk`` likewise loads
``DIR/freshdesk/ticket.csv``. The raw tables no vendor provides come from
``DIR/raw_<name>.csv`` when present. dbt then reads them with ``--vars '{raw_input: <source>}'``.

The warehouse (``--target``): the PostgreSQL server of the standard libpq variables (PGHOST,
PGPORT, PGUSER, PGPASSWORD, PGDATABASE), the default when CS_KPI_TARGET=postgres or PGHOST is
set; otherwise the DuckDB file (``CS_KPI_DUCKDB_PATH``, default warehouse/cs_kpi.duckdb).
With CS_KPI_PII_SALT set, the salt is stored in ``cs_kpi_meta.pii_salt`` (PostgreSQL; bound
as a parameter, never part of SQL text); without it, dbt's on-run-start makes a random one.
On Spark (``--target spark``, dbt's embedded target) the batches are kept in
``<spark dir>/loaded_batches.duckdb`` and each table is then written as Parquet to
``<spark dir>/raw/<schema>/raw_<name>/``, which dbt registers as Spark tables when built with
``--vars '{raw_input: source, spark_raw_location: <spark dir>/raw}'``.
Exit codes: 0 loaded, 2 bad input or no connection.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

from cs_kpi import raw_reader, spark_catalog
from cs_kpi.raw_schema import RAW_TABLES
from cs_kpi.secrets import ENV_VAR as SALT_ENV_VAR
from cs_kpi.vendor_schema import SYSTEM_VENDORS, VENDOR_PROVIDES, VENDOR_TABLES, VendorTable
from cs_kpi.warehouse import TARGET_ENV, Connection, Warehouse, WarehouseError, from_path

NULL_MARKER = r"\N"
BATCH_COLUMNS = ("_raw_file", "_raw_row", "_is_malformed", "_loaded_at")
VENDOR_SCHEMA_ENV = {"zendesk": "CS_KPI_ZENDESK_SCHEMA", "shopify": "CS_KPI_SHOPIFY_SCHEMA",
                     "freshdesk": "CS_KPI_FRESHDESK_SCHEMA"}


class LoadError(Exception):
    """A load that cannot proceed (one line, no data from the files)."""


@dataclass(frozen=True)
class LoadSpec:
    """One table to fill: the reader's table name, its columns, the files and the target."""

    reader_table: str
    columns: tuple[str, ...]
    schema: str
    table: str
    paths: tuple[str, ...]


@dataclass(frozen=True)
class TableLoad:
    relation: str
    files: int
    loaded_batches: int
    loaded_rows: int
    removed_batches: int


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _copy_field(value: object) -> str:
    if value is None:
        return NULL_MARKER
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int):
        return str(value)
    return '"' + str(value).replace('"', '""') + '"'


class _Target:
    """The warehouse being loaded: DuckDB (the reader's SQL runs in it) or PostgreSQL (rows
    parsed in an in-memory DuckDB, then COPY)."""

    def __init__(self, con: Connection):
        self.con = con
        self.kind = con.kind
        self.reader = con.raw if con.kind == "duckdb" else duckdb.connect(":memory:")
        raw_reader.register(self.reader)
        self.loaded_at = dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")

    def close(self) -> None:
        if self.kind != "duckdb":
            self.reader.close()

    def ensure_table(self, schema: str, table: str, columns: tuple[str, ...]) -> str:
        relation = f"{_quote(schema)}.{_quote(table)}"
        self.con.execute(f"create schema if not exists {_quote(schema)}")
        defined = [f"{_quote(c)} text" for c in columns]
        defined += ["_raw_file text not null", "_raw_row bigint not null",
                    "_is_malformed boolean not null", "_loaded_at timestamp not null"]
        self.con.execute(f"create table if not exists {relation} ({', '.join(defined)})")
        present = {row[0].lower() for row in self.con.rows(
            "select column_name from information_schema.columns "
            "where table_schema = ? and table_name = ?", [schema, table])}
        missing = [c for c in (*columns, *BATCH_COLUMNS) if c not in present]
        if missing:
            raise LoadError(f"{schema}.{table} exists but was not written by this loader "
                            f"(missing columns: {', '.join(missing)}); load into another schema")
        return relation

    def insert_file(self, relation: str, columns: tuple[str, ...], select: str) -> int:
        names = [*(_quote(c) for c in columns), "_raw_file", "_raw_row", "_is_malformed"]
        picked = ", ".join(names)
        if self.kind == "duckdb":
            before = self.con.scalar(f"select count(*) from {relation}")
            self.con.execute(
                f"insert into {relation} ({picked}, _loaded_at) select {picked}, "
                f"cast(? as timestamp) from ({select}) as parsed", [self.loaded_at])
            return int(self.con.scalar(f"select count(*) from {relation}")) - int(before)
        rows = self.reader.execute(f"select {picked} from ({select}) as parsed").fetchall()
        buffer = io.StringIO()
        for row in rows:
            buffer.write(",".join(_copy_field(value) for value in (*row, self.loaded_at)))
            buffer.write("\n")
        buffer.seek(0)
        self.con.raw.cursor().copy_expert(
            f"copy {relation} ({picked}, _loaded_at) from stdin with (format csv, null '\\N')",
            buffer)
        return len(rows)


def load_table(target: _Target, spec: LoadSpec, raw_format: str) -> TableLoad:
    relation = target.ensure_table(spec.schema, spec.table, spec.columns)
    loaded = {row[0] for row in target.con.rows(f"select distinct _raw_file from {relation}")}
    current = {raw_reader.batch_id(path): path for path in spec.paths}
    removed = sorted(loaded - current.keys())
    for batch in removed:
        target.con.execute(f"delete from {relation} where _raw_file = ?", [batch])
    batches = rows = 0
    for batch, path in sorted(current.items(), key=lambda item: item[1]):
        if batch in loaded:
            continue
        select = raw_reader.file_select(raw_reader.read_file(path, spec.reader_table, raw_format))
        rows += target.insert_file(relation, spec.columns, select)
        batches += 1
    if (batches or removed) and target.kind == "postgres":
        # Planner statistics for the staging models that read the table next.
        target.con.execute(f"analyze {relation}")
    return TableLoad(f"{spec.schema}.{spec.table}", len(spec.paths), batches, rows, len(removed))


def vendor_files(raw_path: str, table: VendorTable, raw_format: str) -> list[str]:
    """DIR/<vendor>/<table>.<fmt> and its batches <table>__<batch>.<fmt>, sorted by path."""
    folder = Path(raw_path) / table.vendor
    found = [*folder.glob(f"{table.table}.{raw_format}"),
             *folder.glob(f"{table.table}__*.{raw_format}")]
    return sorted(str(p) for p in found if p.is_file())


def plan(raw_path: str, raw_format: str, schema: str, source: str | None) -> list[LoadSpec]:
    """The tables to fill. Plain files: every raw table with a file (all but the optional
    one must have one). Vendor
    exports: every required vendor table, optional ones when present, and the raw tables no
    vendor provides when their files are present."""
    specs: list[LoadSpec] = []
    provided: tuple[str, ...] = ()
    if source is not None:
        if source not in VENDOR_PROVIDES:
            raise LoadError(f"unknown --source '{source}' (one of: {', '.join(VENDOR_PROVIDES)})")
        provided = VENDOR_PROVIDES[source]
        missing = []
        for table in VENDOR_TABLES:
            if table.vendor not in SYSTEM_VENDORS[source]:
                continue
            paths = vendor_files(raw_path, table, raw_format)
            if not paths and not table.optional_table:
                missing.append(f"{table.vendor}/{table.table}.{raw_format}")
            if paths:
                vendor_schema = os.environ.get(VENDOR_SCHEMA_ENV[table.vendor], table.vendor)
                specs.append(LoadSpec(table.name, table.columns, vendor_schema, table.table,
                                      tuple(paths)))
        if missing:
            raise LoadError(f"{raw_path}: vendor export incomplete, missing: {', '.join(missing)}")
    for raw_table in RAW_TABLES:
        if raw_table.name in provided:
            continue
        paths = raw_reader.table_files(raw_path, raw_table.name, raw_format)
        if not paths and source is None and not raw_table.optional:
            raise LoadError(f"{raw_path}: no {raw_table.file_stem}.{raw_format} "
                            f"(nor batches {raw_table.file_stem}__<batch>.{raw_format})")
        if paths:
            specs.append(LoadSpec(raw_table.name, raw_table.columns, schema,
                                  raw_table.file_stem, tuple(paths)))
    return specs


def store_salt(con: Connection) -> bool:
    salt = os.environ.get(SALT_ENV_VAR)
    if not salt:
        return False
    con.execute("create schema if not exists cs_kpi_meta")
    con.execute("drop table if exists cs_kpi_meta.pii_salt")
    con.execute("create table cs_kpi_meta.pii_salt (salt text not null)")
    con.execute("insert into cs_kpi_meta.pii_salt (salt) values (?)", [salt])
    return True


def spark_raw_location(spark_dir: Path | None = None) -> Path:
    """Where the Spark target's raw tables keep their Parquet files (one folder per table);
    dbt registers them with --vars '{spark_raw_location: <this folder>}'."""
    return ((spark_dir or spark_catalog.spark_dir()) / "raw").resolve()


def export_for_spark(con: Connection, specs: list[LoadSpec], location: Path,
                     schema: str = "raw") -> None:
    """Each loaded table as one Parquet file in <location>/<schema>/<table>/, replaced by a
    rename (a reader sees the old file or the new one)."""
    con.execute("set TimeZone = 'UTC'")
    loaded = {spec.table for spec in specs}
    for raw_table in RAW_TABLES:
        # An optional table not supplied: an empty Parquet file, so the table Spark registers
        # over the folder reads as no rows (not a stale earlier load).
        folder = location / schema / raw_table.file_stem
        if raw_table.optional and raw_table.file_stem not in loaded:
            folder.mkdir(parents=True, exist_ok=True)
            columns = ", ".join(f"cast(null as varchar) as {c}" for c in raw_table.columns)
            con.execute(f"copy (select {columns}, cast(null as varchar) as _raw_file, "
                        "cast(null as bigint) as _raw_row, false as _is_malformed, "
                        "cast(null as timestamptz) as _loaded_at where false) "
                        f"to '{folder / 'part-00000.parquet'}' (format parquet)")
    for spec in specs:
        folder = location / spec.schema / spec.table
        folder.mkdir(parents=True, exist_ok=True)
        temporary = folder / ".part-00000.parquet.tmp"
        relation = f"{_quote(spec.schema)}.{_quote(spec.table)}"
        # _loaded_at as an instant (Parquet isAdjustedToUTC): Spark's TIMESTAMP.
        con.execute(f"copy (select * replace (cast(_loaded_at as timestamptz) as _loaded_at) "
                    f"from {relation}) to '{temporary}' (format parquet)")
        os.replace(temporary, folder / "part-00000.parquet")


def load(raw_path: str, raw_format: str = "csv", schema: str = "raw",
         source: str | None = None, spark: bool = False) -> list[TableLoad]:
    if not os.path.isdir(raw_path):
        raise LoadError(f"{raw_path}: not a folder")
    specs = plan(raw_path, raw_format, schema, source)
    # Spark: the batches are kept in a DuckDB file beside the Spark warehouse, then exported.
    warehouse = (Warehouse("duckdb", spark_catalog.spark_dir() / "loaded_batches.duckdb") if spark
                 else from_path())
    if warehouse.kind == "duckdb":
        warehouse.path.parent.mkdir(parents=True, exist_ok=True)
    with warehouse.connect(read_only=False) as con:
        target = _Target(con)
        try:
            if con.kind == "duckdb":
                con.execute("begin transaction")
            results = [load_table(target, spec, raw_format) for spec in specs]
            if con.kind == "postgres":
                store_salt(con)
            if con.kind == "duckdb":
                con.execute("commit")
            if spark:
                export_for_spark(con, specs, spark_raw_location(), schema)
        finally:
            target.close()
    return results


def store_salt_only() -> bool:
    with from_path().connect(read_only=False) as con:
        return store_salt(con)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cs-kpi load", description=__doc__.split("\n")[0])
    parser.add_argument("--raw-path", help="folder of raw_<name>.<format> files "
                        "(with --source: of <vendor>/<table>.<format> files)")
    parser.add_argument("--source", choices=sorted(VENDOR_PROVIDES), default=None,
                        help="the folder holds vendor exports (Fivetran's table names)")
    parser.add_argument("--salt-only", action="store_true",
                        help=f"only store {SALT_ENV_VAR} in cs_kpi_meta.pii_salt")
    parser.add_argument("--format", default="csv", choices=["csv", "parquet"])
    parser.add_argument("--schema", default=os.environ.get("CS_KPI_RAW_SCHEMA", "raw"),
                        help="schema of the raw_<name> tables (default raw, or CS_KPI_RAW_SCHEMA)")
    parser.add_argument("--target", choices=["duckdb", "postgres", "spark"], default=None,
                        help="warehouse (default: postgres when CS_KPI_TARGET=postgres or PGHOST "
                             "is set, spark when CS_KPI_TARGET=spark, else duckdb)")
    args = parser.parse_args(argv)
    target = args.target or (os.environ.get(TARGET_ENV) if os.environ.get(TARGET_ENV) in
                             ("postgres", "spark") else "postgres" if os.environ.get("PGHOST")
                             else "duckdb")
    if target == "spark" and (args.source or args.salt_only):
        parser.error("--target spark loads raw files "
                     "(the salt comes from CS_KPI_PII_SALT at build time)")
    if target == "postgres":
        os.environ[TARGET_ENV] = "postgres"
    else:
        os.environ.pop(TARGET_ENV, None)
    if not args.salt_only and not args.raw_path:
        parser.error("--raw-path DIR is required (or --salt-only)")
    try:
        if args.salt_only:
            if not store_salt_only():
                raise LoadError(f"{SALT_ENV_VAR} is not set: nothing to store")
            print("load: salt stored in cs_kpi_meta.pii_salt")
            return 0
        results = load(args.raw_path, args.format, args.schema, args.source, target == "spark")
    except (LoadError, raw_reader.RawFileError, WarehouseError) as error:
        print(f"load: {error}", file=sys.stderr)
        return 2
    except Exception as error:  # a database error: its first line only, never row data
        detail = str(error).strip().splitlines()[0] if str(error).strip() else ""
        print(f"load: {type(error).__name__}: {detail}", file=sys.stderr)
        return 2
    for result in results:
        print(f"load: {result.relation}: {result.files} file(s), "
              f"{result.loaded_batches} new batch(es), {result.loaded_rows} row(s) loaded, "
              f"{result.removed_batches} replaced or removed batch(es) deleted")
    return 0


if __name__ == "__main__":
    sys.exit(main())
