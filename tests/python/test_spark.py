"""The same project on Apache Spark (issue #15): dbt's embedded ``spark`` target (profiles.yml).

Each test gets its own Spark folder (metastore and Parquet tables). They need a JDK: without
``java`` they are skipped, except in CI (CI=true), where they fail (``make test`` installs
Debian's JDK when it is missing).
- the whole pipeline on the seeds (dbt build with every data and unit test, catalog, summary,
  gate, publish, dashboard) gives every staging, intermediate and mart table equal to DuckDB's
  build of the seeds, and a later build makes publish refuse;
- generated data at scale 3, loaded in two batches (5 % of rows late) and built after each,
  equals DuckDB's one full build of the same files: the incremental runs on Spark's built-in
  format (each rebuilds its tables from every loaded batch) agree with a full build.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import DBT, PROJECT, dbt, generate
from test_incremental import IGNORED
from test_incremental import _tables as duckdb_tables
from test_postgres import SALT, assert_same

from cs_kpi import spark_catalog
from cs_kpi.datagen.batches import split

CONTRACTED = ("kpi_nps_monthly", "kpi_csat_monthly", "kpi_fcr_monthly",
              "kpi_repeat_visits_monthly", "kpi_churn_monthly", "kpi_repeat_sales_monthly",
              "kpi_cross_sell_upsell_monthly", "kpi_ticket_ops_daily", "kpi_call_ops_daily")


@pytest.fixture(scope="module")
def java() -> None:
    if shutil.which("java") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("no java: `make test` installs Debian's JDK (make spark-jdk)")
        pytest.skip("no JDK for Spark")


def spark_env(folder: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "CS_KPI_TARGET": "spark",
        "CS_KPI_SPARK_DIR": str(folder / "spark"),
        "CS_KPI_PROJECT_DIR": str(PROJECT),
        "SPARK_LOCAL_IP": "127.0.0.1",
        "DBT_PROFILES_DIR": str(PROJECT),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_TARGET_PATH": str(folder / "target"),
        "DBT_LOG_PATH": str(folder / "logs"),
        "CS_KPI_PII_SALT": SALT,
        "CS_KPI_PUBLISH_DIR": str(folder / "published"),
        "PYTHONPATH": str(PROJECT),
    }
    env.pop("CS_KPI_LOCK_HELD", None)
    return env


def spark_dbt(args: list[str], env: dict[str, str], variables: dict | None = None) -> None:
    if args[0] == "run":
        args = ["build", "--exclude", "resource_type:test", "resource_type:unit_test", *args[1:]]
    command = [DBT, *args] + (["--vars", json.dumps(variables)] if variables else [])
    result = subprocess.run(command, cwd=PROJECT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, f"dbt {' '.join(args)} on Spark failed:\n{result.stdout[-6000:]}"


def same_as_duckdb(on_duckdb: dict[str, list[tuple]], on_spark: dict[str, list[tuple]],
                   labels: tuple[str, str]) -> None:
    """Every DuckDB table equals Spark's (Spark also has the staging views, as tables)."""
    assert on_duckdb.keys() <= on_spark.keys(), set(on_duckdb) - set(on_spark)
    assert_same(on_duckdb, {name: on_spark[name] for name in on_duckdb}, labels)


def spark_tables(spark_dir: Path) -> dict[str, list[tuple]]:
    """Every table Spark wrote in staging, intermediate and marts, read from its Parquet
    files through the catalog, columns and rows as test_incremental._tables gives them."""
    catalog, _ = spark_catalog.write_catalog(spark_dir)
    out = {}
    with duckdb.connect(str(catalog), read_only=True) as con:
        for schema, table in con.execute(
                "select table_schema, table_name from information_schema.tables "
                "where table_schema in ('staging', 'intermediate', 'marts') order by 1, 2").fetchall():
            relation = con.table(f"{schema}.{table}")
            kept = [(n, str(t)) for n, t in zip(relation.columns, relation.types, strict=True)
                    if n not in IGNORED]
            names = ", ".join(f'"{n}"' for n, _ in kept)
            out[f"{schema}.{table}"] = con.execute(f"select {names} from {schema}.{table}").fetchall()
    return out


def test_pipeline_on_spark_equals_duckdb(java: None, tmp_path: Path) -> None:
    """`make build TARGET=spark`: every step on Spark; then every table equals DuckDB's."""
    env = spark_env(tmp_path)
    result = subprocess.run([sys.executable, "-m", "cs_kpi.pipeline", "--target", "spark"],
                            cwd=PROJECT, env=env, capture_output=True, text=True)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    assert "ERROR=0" in output and "0 critical failures" in output
    published = tmp_path / "published"
    assert (published / "dashboard" / "index.html").exists()
    parquet = published / "parquet" / "current"
    assert {f"{mart}.parquet" for mart in CONTRACTED} <= {p.name for p in parquet.iterdir()}
    on_spark = spark_tables(tmp_path / "spark")

    database = tmp_path / "duckdb" / "cs_kpi.duckdb"
    database.parent.mkdir()
    dbt(["run"], database)
    # dbt's seed loader (agate) reads a line break inside a quoted value as LF on every adapter
    # but dbt-duckdb, which reads seeds with DuckDB's CSV reader and keeps CRLF (one survey
    # comment of the seeds): the files themselves load alike (the scale-3 test below).
    def as_agate_reads(value: object) -> object:
        if not isinstance(value, str):
            return value
        return value.replace("\r\n", "\n").replace("\\r\\n", "\\n")  # raw_record: JSON-escaped

    on_duckdb = {name: [tuple(as_agate_reads(v) for v in row) for row in rows]
                 for name, rows in duckdb_tables(database).items()}
    assert len(on_duckdb) >= 30
    for mart in CONTRACTED:
        assert len(on_spark[f"marts.{mart}"]) > 0, mart
    same_as_duckdb(on_duckdb, on_spark, ("DuckDB", "Spark"))

    # The published marts are the validated ones: a later build makes publish refuse.
    spark_dbt(["run", "--select", "kpi_nps_monthly"], env)
    refused = subprocess.run([sys.executable, "-m", "cs_kpi.publish"], cwd=PROJECT, env=env,
                             capture_output=True, text=True)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "PUBLISH REFUSED" in refused.stderr


def test_batches_on_spark_equal_a_full_duckdb_build(java: None, tmp_path: Path) -> None:
    raw = generate(tmp_path / "raw", scale=3, seed=31)
    batches = tmp_path / "batches"
    counts = split(raw, batches, [pd.Timestamp("2026-05-01", tz="UTC")], "csv", late_share=0.05)
    assert sum(counts["tickets"][1:]) > 0 and sum(counts["orders"][1:]) > 0
    env = spark_env(tmp_path)
    landing = tmp_path / "landing"
    landing.mkdir()
    variables = {"raw_input": "source",
                 "spark_raw_location": str(tmp_path / "spark" / "raw")}
    for number in (0, 1):
        pattern = "raw_*__01_*.csv" if number else "raw_*.csv"
        for path in batches.glob(pattern):
            if number or "__" not in path.name:
                shutil.copy(path, landing / path.name)
        loaded = subprocess.run([sys.executable, "-m", "cs_kpi.load", "--target", "spark",
                                 "--raw-path", str(landing)], cwd=PROJECT, env=env,
                                capture_output=True, text=True)
        assert loaded.returncode == 0, loaded.stderr
        spark_dbt(["run"], env, variables)
    on_spark = spark_tables(tmp_path / "spark")
    with duckdb.connect(str(spark_catalog.catalog_path(tmp_path / "spark")), read_only=True) as con:
        assert con.execute("select count(distinct _raw_file) from staging.base_helpdesk__tickets"
                           ).fetchone()[0] == 2, "each batch file is its own batch"
        assert con.execute("select count(*) from staging.base_helpdesk__tickets where row_status "
                           "= 'superseded' and _raw_file not like '%raw_tickets.csv%'"
                           ).fetchone()[0] > 0, "the second batch superseded earlier versions"

    database = tmp_path / "duckdb" / "cs_kpi.duckdb"
    database.parent.mkdir()
    dbt(["run"], database, raw_dir=raw)
    same_as_duckdb(duckdb_tables(database), on_spark, ("DuckDB full build", "Spark, batch by batch"))
