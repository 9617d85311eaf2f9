"""The whole pipeline on one input: preflight -> dbt build -> summary -> gate -> publish ->
dashboard, holding the warehouse lock throughout.

``cs-kpi build [--raw-path DIR [--format csv|parquet]] [--source fivetran] [--full-refresh]
[--target duckdb|postgres|spark]``

Without ``--raw-path`` the input is the committed seeds. ``--source fivetran`` reads vendor
exports instead (Zendesk and Shopify in Fivetran's schema): with ``--raw-path DIR`` the files
``DIR/zendesk/<table>.csv``, ``DIR/shopify/<table>.csv`` and any ``DIR/raw_<name>.csv`` are
loaded into the warehouse first (``cs_kpi.load``); without it, the tables Fivetran landed in
the schemas ``zendesk`` and ``shopify`` are read as they are. On PostgreSQL (``--target postgres``,
the server of the libpq variables) the raw folder is first loaded into the schema ``raw``
(``cs_kpi.load``) and dbt reads it from there; the marts are published as schema ``marts``.
On Spark (``--target spark``, the embedded target) a raw folder is loaded as Parquet
(``cs_kpi.load --target spark``) and registered as the raw tables; after the build the
catalog of Spark's files (``cs_kpi.spark_catalog``) is what the later steps read.

Each step runs only when the one before it succeeded; the exit code is the failing step's
(2: the raw files are unreadable or the server is unreachable, 1: build, gate or publish
failed or another build holds the warehouse).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from cs_kpi import preflight, spark_catalog
from cs_kpi.load import spark_raw_location
from cs_kpi.secrets import ENV_VAR as SALT_ENV_VAR
from cs_kpi.vendor_schema import VENDOR_PROVIDES
from cs_kpi.warehouse import TARGET_ENV, Warehouse, from_path
from cs_kpi.warehouse_state import LOCK_HELD_ENV, WarehouseBusy, warehouse_lock


def _run(step: str, command: list[str]) -> int:
    # On a line of its own: the step before may end its output without a newline (DuckDB's
    # binding prints a leak report at exit), and the Makefile filters that report's lines.
    print(f"\n==> {step}", flush=True)
    return subprocess.run(command, check=False).returncode


def run(raw_path: str | None, raw_format: str, full_refresh: bool, warehouse: Warehouse,
        source: str | None = None, spark: bool = False) -> int:
    python = sys.executable
    dbt = str(Path(python).with_name("dbt"))
    build = [dbt, "build", "--fail-fast"] + (["--full-refresh"] if full_refresh else [])
    database = [] if warehouse.kind == "postgres" else ["--database", str(warehouse.path)]
    gate = [python, "-m", "cs_kpi.quality.gate", *database]
    if source:
        if raw_path:
            load = [python, "-m", "cs_kpi.load", "--source", source, "--target", warehouse.kind,
                    "--raw-path", os.path.abspath(raw_path), "--format", raw_format]
            if _run(f"load the {source} exports into the warehouse", load) != 0:
                return 2
        build += ["--vars", json.dumps({"raw_input": source})]
    elif raw_path and (warehouse.kind == "postgres" or spark):
        raw_path = os.path.abspath(raw_path)
        problems, notes = preflight.check(raw_path, raw_format)
        for note in notes:
            print(f"note: {note}")
        if problems:
            for problem in problems:
                print(f"ERROR: {problem}", file=sys.stderr)
            return 2
        engine = "spark" if spark else "postgres"
        load = [python, "-m", "cs_kpi.load", "--target", engine, "--raw-path", raw_path,
                "--format", raw_format]
        if _run("load raw files into the raw schema", load) != 0:
            return 2
        variables: dict[str, str] = {"raw_input": "source"}
        if spark:  # the loader's Parquet files, registered as the raw tables at run start
            variables["spark_raw_location"] = str(spark_raw_location())
        build += ["--vars", json.dumps(variables)]
        gate += ["--raw-path", raw_path, "--raw-format", raw_format]
    elif warehouse.kind == "postgres" or spark:
        # The seeds, even when the raw schema holds tables (dbt alone would read those).
        build += ["--vars", json.dumps({"raw_input": "seeds"})]
        if os.environ.get(SALT_ENV_VAR) and not spark:
            salt = [python, "-m", "cs_kpi.load", "--target", "postgres", "--salt-only"]
            if _run("store the personal-data salt", salt) != 0:
                return 2
    elif raw_path:
        raw_path = os.path.abspath(raw_path)
        problems, notes = preflight.check(raw_path, raw_format)
        for note in notes:
            print(f"note: {note}")
        if problems:
            for problem in problems:
                print(f"ERROR: {problem}", file=sys.stderr)
            return 2
        build += ["--vars", json.dumps({"raw_path": raw_path, "raw_format": raw_format})]
        gate += ["--raw-path", raw_path, "--raw-format", raw_format]
    if _run("dbt build", build) != 0:
        print("BUILD FAILED: see the dbt output above; nothing validated or published",
              file=sys.stderr)
        return 1
    if spark:
        catalog = [python, "-m", "cs_kpi.spark_catalog"]
        if _run("catalog of the Spark tables for the steps below", catalog) != 0:
            return 2
    for step, command in (
        ("summary", [python, "-m", "cs_kpi.summary", *database]),
        ("data-quality gate", gate),
        ("publish", [python, "-m", "cs_kpi.publish", *database]),
        ("dashboard", [python, "-m", "cs_kpi.dashboard"]),
    ):
        code = _run(step, command)
        if code != 0:
            return code
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--raw-path", default=None)
    parser.add_argument("--format", choices=["csv", "parquet"], default="csv")
    parser.add_argument("--source", choices=sorted(VENDOR_PROVIDES), default=None,
                        help="vendor exports instead of the raw contract files (fivetran: "
                             "Zendesk + Shopify in Fivetran's schema; freshdesk: tickets)")
    parser.add_argument("--full-refresh", action="store_true")
    parser.add_argument("--database", type=Path, default=None,
                        help="DuckDB file (default CS_KPI_DUCKDB_PATH or warehouse/cs_kpi.duckdb)")
    parser.add_argument("--target", choices=["duckdb", "postgres", "spark"], default=None,
                        help="warehouse engine (default: CS_KPI_TARGET, else duckdb)")
    args = parser.parse_args(argv)
    if args.target in ("postgres", "spark"):
        os.environ[TARGET_ENV] = args.target  # dbt's profile and every step below read it
    elif args.target == "duckdb":
        os.environ.pop(TARGET_ENV, None)
    spark = os.environ.get(TARGET_ENV) == "spark"
    if spark:
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        if args.source:
            print("ERROR: --target spark reads the seeds or a raw folder; vendor exports "
                  "(--source) are read on duckdb and postgres", file=sys.stderr)
            return 2
        spark_catalog.spark_dir().mkdir(parents=True, exist_ok=True)
    warehouse = from_path(None if spark else args.database)
    if warehouse.kind == "postgres" and not os.environ.get("PGHOST"):
        print("ERROR: --target postgres needs the libpq variables (PGHOST, PGPORT, PGUSER, "
              "PGPASSWORD, PGDATABASE); for a local throw-away server: "
              'eval "$(scripts/pg_cluster.sh start)"', file=sys.stderr)
        return 2
    try:
        with warehouse_lock(warehouse):
            os.environ[LOCK_HELD_ENV] = "1"
            return run(args.raw_path or None, args.format, args.full_refresh, warehouse,
                       args.source, spark)
    except WarehouseBusy as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
