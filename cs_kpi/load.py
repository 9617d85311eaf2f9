"""Load a folder of raw files into a PostgreSQL warehouse's raw schema (SPEC part A v2).

    python -m cs_kpi.load --raw-path DIR [--format csv|parquet] [--schema raw]
    python -m cs_kpi.load --salt-only      store CS_KPI_PII_SALT in the warehouse, load nothing

Each of the nine tables ``<schema>.raw_<name>`` gets every contract column as text plus the
batch columns staging reads incrementally: ``_raw_file`` (the batch id: file path, size and
modification time, as when DuckDB reads the files), ``_raw_row`` (CSV line, Parquet row
number), ``_is_malformed`` and ``_loaded_at`` (when the batch was loaded). Files are parsed by
the project's reader (``cs_kpi.raw_reader``), so a malformed line becomes a flagged row here
exactly as on DuckDB. The table mirrors the folder: a new file is loaded once, a replaced or
removed file's rows are deleted, all in one transaction.

The connection comes from the standard libpq variables (PGHOST, PGPORT, PGUSER, PGPASSWORD,
PGDATABASE). With CS_KPI_PII_SALT set, the salt is stored in ``cs_kpi_meta.pii_salt`` (bound
as a parameter, never part of SQL text); without it, dbt's on-run-start makes a random one.
Exit codes: 0 loaded, 2 bad input or no connection.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from dataclasses import dataclass

import duckdb

from cs_kpi import raw_reader
from cs_kpi.raw_schema import RAW_TABLES, RawTable
from cs_kpi.secrets import ENV_VAR as SALT_ENV_VAR

NULL_MARKER = r"\N"
BATCH_COLUMNS = ("_raw_file", "_raw_row", "_is_malformed", "_loaded_at")


class LoadError(Exception):
    """A load that cannot proceed (one line, no data from the files)."""


@dataclass(frozen=True)
class TableLoad:
    table: str
    files: int
    loaded_batches: int
    loaded_rows: int
    removed_batches: int


def connect():
    import psycopg2

    try:
        return psycopg2.connect("", connect_timeout=10, application_name="cs_kpi.load")
    except psycopg2.OperationalError as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else "no detail"
        raise LoadError("cannot connect to PostgreSQL (PGHOST/PGPORT/PGUSER/PGDATABASE): "
                        f"{first_line}") from None


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _create_table(cursor, schema: str, table: RawTable) -> None:
    columns = [f"{_quote(c)} text" for c in table.columns]
    columns += ["_raw_file text not null", "_raw_row bigint not null",
                "_is_malformed boolean not null",
                "_loaded_at timestamp not null default (now() at time zone 'UTC')"]
    cursor.execute(f"create table if not exists {_quote(schema)}.{_quote(table.file_stem)} "
                   f"({', '.join(columns)})")
    cursor.execute("select column_name from information_schema.columns "
                   "where table_schema = %s and table_name = %s", (schema, table.file_stem))
    present = {row[0].lower() for row in cursor.fetchall()}
    missing = [c for c in (*table.columns, *BATCH_COLUMNS) if c not in present]
    if missing:
        raise LoadError(f"{schema}.{table.file_stem} exists but was not written by this loader "
                        f"(missing columns: {', '.join(missing)}); load into another --schema")


def _copy_field(value: object) -> str:
    if value is None:
        return NULL_MARKER
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int):
        return str(value)
    return '"' + str(value).replace('"', '""') + '"'


def _file_rows(duck, path: str, table: RawTable, raw_format: str) -> tuple[io.StringIO, int]:
    """The parsed rows of one file as CSV text for COPY: NULL as an unquoted marker, every
    text quoted, so an empty string stays an empty string."""
    raw = raw_reader.read_file(path, table.name, raw_format)
    select = raw_reader.file_select(raw)
    names = [*table.columns, "_raw_file", "_raw_row", "_is_malformed"]
    rows = duck.execute(f"select {', '.join(names)} from ({select}) as parsed").fetchall()
    buffer = io.StringIO()
    for row in rows:
        buffer.write(",".join(_copy_field(value) for value in row))
        buffer.write("\n")
    buffer.seek(0)
    return buffer, len(rows)


def load_table(cursor, duck, schema: str, table: RawTable, raw_path: str,
               raw_format: str) -> TableLoad:
    paths = raw_reader.table_files(raw_path, table.name, raw_format)
    if not paths:
        raise LoadError(f"{raw_path}: no {table.file_stem}.{raw_format} "
                        f"(nor batches {table.file_stem}__<batch>.{raw_format})")
    _create_table(cursor, schema, table)
    relation = f"{_quote(schema)}.{_quote(table.file_stem)}"
    cursor.execute(f"select distinct _raw_file from {relation}")
    loaded = {row[0] for row in cursor.fetchall()}
    current = {raw_reader.batch_id(path): path for path in paths}
    removed = sorted(loaded - current.keys())
    if removed:
        cursor.execute(f"delete from {relation} where _raw_file = any(%s)", (removed,))
    batches = rows = 0
    columns = ", ".join([*(_quote(c) for c in table.columns), "_raw_file", "_raw_row",
                         "_is_malformed"])
    for batch, path in sorted(current.items(), key=lambda item: item[1]):
        if batch in loaded:
            continue
        buffer, count = _file_rows(duck, path, table, raw_format)
        cursor.copy_expert(f"copy {relation} ({columns}) from stdin "
                           "with (format csv, null '\\N')", buffer)
        rows += count
        batches += 1
    if batches or removed:
        # Planner statistics for the staging models that read the table next.
        cursor.execute(f"analyze {relation}")
    return TableLoad(table.name, len(paths), batches, rows, len(removed))


def store_salt(cursor) -> bool:
    salt = os.environ.get(SALT_ENV_VAR)
    if not salt:
        return False
    cursor.execute("create schema if not exists cs_kpi_meta")
    cursor.execute("drop table if exists cs_kpi_meta.pii_salt")
    cursor.execute("create table cs_kpi_meta.pii_salt (salt text not null)")
    cursor.execute("insert into cs_kpi_meta.pii_salt (salt) values (%s)", (salt,))
    return True


def load(raw_path: str, raw_format: str = "csv", schema: str = "raw") -> list[TableLoad]:
    if not os.path.isdir(raw_path):
        raise LoadError(f"{raw_path}: not a folder")
    duck = duckdb.connect(":memory:")
    raw_reader.register(duck)
    connection = connect()
    try:
        with connection, connection.cursor() as cursor:
            cursor.execute(f"create schema if not exists {_quote(schema)}")
            results = [load_table(cursor, duck, schema, table, raw_path, raw_format)
                       for table in RAW_TABLES]
            store_salt(cursor)
        return results
    finally:
        connection.close()
        duck.close()


def store_salt_only() -> bool:
    connection = connect()
    try:
        with connection, connection.cursor() as cursor:
            return store_salt(cursor)
    finally:
        connection.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cs_kpi.load",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--raw-path", help="folder of raw_<name>.<format> files")
    parser.add_argument("--salt-only", action="store_true",
                        help=f"only store {SALT_ENV_VAR} in cs_kpi_meta.pii_salt")
    parser.add_argument("--format", default="csv", choices=["csv", "parquet"])
    parser.add_argument("--schema", default=os.environ.get("CS_KPI_RAW_SCHEMA", "raw"),
                        help="target schema (default raw, or CS_KPI_RAW_SCHEMA)")
    args = parser.parse_args(argv)
    if not args.salt_only and not args.raw_path:
        parser.error("--raw-path DIR is required (or --salt-only)")
    try:
        if args.salt_only:
            if not store_salt_only():
                raise LoadError(f"{SALT_ENV_VAR} is not set: nothing to store")
            print("load: salt stored in cs_kpi_meta.pii_salt")
            return 0
        results = load(args.raw_path, args.format, args.schema)
    except (LoadError, raw_reader.RawFileError) as error:
        print(f"load: {error}", file=sys.stderr)
        return 2
    except Exception as error:  # a database error: its first line only, never row data
        detail = str(error).strip().splitlines()[0] if str(error).strip() else ""
        print(f"load: {type(error).__name__}: {detail}", file=sys.stderr)
        return 2
    for result in results:
        print(f"load: {args.schema}.raw_{result.table}: {result.files} file(s), "
              f"{result.loaded_batches} new batch(es), {result.loaded_rows} row(s) loaded, "
              f"{result.removed_batches} replaced or removed batch(es) deleted")
    return 0


if __name__ == "__main__":
    sys.exit(main())
