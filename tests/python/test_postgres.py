"""The same project on PostgreSQL (issue: a portable core).

Each test gets its own database on the server the libpq variables name (``.ci/run`` and
``make test`` start one with ``scripts/pg_cluster.sh``). Without a server the tests are
skipped, except in CI (CI=true), where they fail.
- the timestamp parser, compiled for PostgreSQL, against the SPEC rule on fuzzed texts;
- raw files loaded into the raw schema and built give every mart, base and intermediate table
  equal to DuckDB's build of the same files;
- batch by batch (late and superseding rows) equals one full build, on PostgreSQL.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import CUTS, DBT, PROJECT, batch_files
from test_incremental import IGNORED
from test_incremental import _tables as duckdb_tables
from test_timestamp_parsing import fuzzed_texts, reference_parse

SALT = "test-only-salt-not-secret"
INEXACT = {"double precision", "real", "numeric"}


def _server_env() -> dict[str, str] | None:
    if os.environ.get("PGHOST"):
        return {k: v for k, v in os.environ.items() if k.startswith("PG")}
    try:
        printed = subprocess.run([str(PROJECT / "scripts" / "pg_cluster.sh"), "env"],
                                 capture_output=True, text=True, check=True).stdout
    except (subprocess.CalledProcessError, OSError):
        return None
    env = {}
    for line in printed.splitlines():
        for pair in line.removeprefix("export ").split():
            name, _, value = pair.partition("=")
            env[name] = value
    return env


@pytest.fixture(scope="session")
def server() -> dict[str, str]:
    env = _server_env()
    if env is None:
        if os.environ.get("CI") == "true":
            pytest.fail("no PostgreSQL server: .ci/run starts one with scripts/pg_cluster.sh")
        pytest.skip("no PostgreSQL server (scripts/pg_cluster.sh start)")
    return env


def _connect(env: dict[str, str], database: str | None = None):
    import psycopg2

    return psycopg2.connect(host=env["PGHOST"], port=env["PGPORT"], user=env["PGUSER"],
                            password=env.get("PGPASSWORD", ""),
                            dbname=database or env["PGDATABASE"])


@pytest.fixture()
def database(server: dict[str, str]) -> Iterator[dict[str, str]]:
    """A new, empty database; the environment that points dbt and the loader at it."""
    name = f"cs_kpi_test_{uuid.uuid4().hex[:10]}"
    admin = _connect(server)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f"create database {name}")
    try:
        yield {**server, "PGDATABASE": name}
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f"drop database if exists {name} with (force)")
        admin.close()


def pg_dbt(args: list[str], env: dict[str, str], workdir: Path, raw_input: str = "source",
           check: bool = True) -> subprocess.CompletedProcess:
    run_env = {
        **os.environ, **env,
        "CS_KPI_TARGET": "postgres",
        "DBT_PROFILES_DIR": str(PROJECT),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_TARGET_PATH": str(workdir / "target"),
        "DBT_LOG_PATH": str(workdir / "logs"),
        "CS_KPI_PII_SALT": SALT,
    }
    if args[0] == "run":
        args = ["build", "--exclude", "resource_type:test", "resource_type:unit_test", *args[1:]]
    command = [DBT, *args]
    if raw_input not in ("seeds", "auto") and args[0] in ("build", "run", "test"):
        command += ["--vars", json.dumps({"raw_input": raw_input})]
    result = subprocess.run(command, cwd=PROJECT, env=run_env, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise AssertionError(f"dbt {' '.join(args)} on PostgreSQL failed:\n{result.stdout[-6000:]}")
    return result


def load(raw_dir: Path, env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "cs_kpi.load", "--raw-path", str(raw_dir)], cwd=PROJECT,
        env={**os.environ, **env, "CS_KPI_PII_SALT": SALT, "PYTHONPATH": str(PROJECT)},
        capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


def pg_tables(env: dict[str, str]) -> dict[str, list[tuple]]:
    """Every table of staging, intermediate and marts (built in marts_build on a server),
    named as on DuckDB, rows in a canonical order (as test_incremental._tables does)."""
    out = {}
    with _connect(env) as connection, connection.cursor() as cursor:
        cursor.execute("select table_schema, table_name from information_schema.tables "
                       "where table_schema in ('staging', 'intermediate', 'marts_build') "
                       "and table_type = 'BASE TABLE' order by 1, 2")
        for schema, table in cursor.fetchall():
            cursor.execute("select column_name, data_type from information_schema.columns "
                           "where table_schema = %s and table_name = %s order by ordinal_position",
                           (schema, table))
            kept = [(n, t) for n, t in cursor.fetchall() if n not in IGNORED]
            exact = [n for n, t in kept if t not in INEXACT]
            inexact = [n for n, t in kept if t in INEXACT]
            order = ", ".join(f'"{n}"' for n in exact + inexact)
            names = ", ".join(f'"{n}"' for n, _ in kept)
            cursor.execute(f'select {names} from "{schema}"."{table}" order by {order}')
            out[f"{schema.replace('marts_build', 'marts')}.{table}"] = cursor.fetchall()
    return out


def _same(a: object, b: object) -> bool:
    if isinstance(a, Decimal):
        a = float(a)
    if isinstance(b, Decimal):
        b = float(b)
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def _sort_key(row: tuple) -> tuple:
    """Rows in one Python order whatever the engine's collation; numbers are rounded so the
    last bits an engine computes differently (sums in another order) do not move a row."""
    def norm(value: object) -> object:
        if isinstance(value, bool) or value is None:
            return value
        if isinstance(value, (int, float, Decimal)):
            number = float(value)
            return "nan" if math.isnan(number) else f"{number:.6g}"
        return value
    return tuple((value is None, str(norm(value))) for value in row)


def assert_same(expected: dict[str, list[tuple]], actual: dict[str, list[tuple]],
                labels: tuple[str, str]) -> None:
    assert expected.keys() == actual.keys(), set(expected) ^ set(actual)
    for name, rows in expected.items():
        other = actual[name]
        assert len(rows) == len(other), f"{name}: {len(rows)} rows on {labels[0]}, {len(other)} on {labels[1]}"
        # Engines order text differently (collations): compare in one Python order.
        for row, other_row in zip(sorted(rows, key=_sort_key), sorted(other, key=_sort_key), strict=True):
            assert all(_same(a, b) for a, b in zip(row, other_row, strict=True)), \
                f"{name} differs:\n {labels[0]}: {row}\n {labels[1]}: {other_row}"


def test_parse_timestamp_on_postgres(database: dict[str, str], tmp_path: Path) -> None:
    compiled = pg_dbt(["compile", "--quiet", "--output", "json", "--inline",
                       "select i, {{ parse_timestamp('x') }} as parsed from texts"],
                      database, tmp_path, raw_input="seeds")
    select = json.loads(compiled.stdout)["compiled"]
    texts = fuzzed_texts(20_000)
    with _connect(database) as connection, connection.cursor() as cursor:
        cursor.execute("set time zone 'America/New_York'")  # the session zone must not matter
        cursor.execute("create temporary table texts (i integer, x text)")
        cursor.executemany("insert into texts values (%s, %s)", list(enumerate(texts)))
        cursor.execute(f"select i, parsed from ({select}) as parsed order by i")
        parsed = cursor.fetchall()
    assert len(parsed) == len(texts)
    mismatches = [(texts[i], value, reference_parse(texts[i]))
                  for i, value in parsed if value != reference_parse(texts[i])]
    assert not mismatches, f"{len(mismatches)} texts parsed differently, e.g. {mismatches[:5]}"
    assert sum(value is not None for _, value in parsed) > 1_000
    assert any(isinstance(v, datetime) and v.microsecond == 123456 for _, v in parsed)


def test_loaded_files_build_like_duckdb(database: dict[str, str], generated_raw: Path,
                                        built_from_csv: Path, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    for path in generated_raw.glob("raw_*.csv"):
        shutil.copy(path, raw / path.name)
    printed = load(raw, database)
    assert "raw.raw_tickets: 1 file(s), 1 new batch(es)" in printed
    pg_dbt(["build"], database, tmp_path)
    on_pg = pg_tables(database)
    on_duckdb = duckdb_tables(built_from_csv)
    # Batch ids and row numbers are ignored (IGNORED); raw_record, the raw rows as JSON text,
    # is compared: byte-identical on both engines, as are the fingerprints and tie-breaks on it.
    assert len(on_pg) >= 30
    for mart in ("kpi_nps_monthly", "kpi_csat_monthly", "kpi_fcr_monthly",
                 "kpi_repeat_visits_monthly", "kpi_churn_monthly", "kpi_repeat_sales_monthly",
                 "kpi_cross_sell_upsell_monthly", "kpi_ticket_ops_daily", "kpi_call_ops_daily"):
        assert len(on_pg[f"marts.{mart}"]) > 0, mart
    assert_same(on_duckdb, on_pg, ("DuckDB", "PostgreSQL"))


def test_batch_by_batch_equals_full_build_on_postgres(
    history: tuple[Path, Path], database: dict[str, str], server: dict[str, str], tmp_path: Path
) -> None:
    raw, batches = history
    landing = tmp_path / "landing"
    landing.mkdir()
    for number in range(len(CUTS) + 1):
        for path in batch_files(batches, number):
            shutil.copy(path, landing / path.name)
        load(landing, database)
        pg_dbt(["run"], database, tmp_path)
    with _connect(database) as connection, connection.cursor() as cursor:
        cursor.execute("select count(distinct _raw_file) from staging.base_helpdesk__tickets")
        assert cursor.fetchone()[0] == len(CUTS) + 1, "each batch file was loaded as its own batch"
        cursor.execute("select count(*) from staging.base_helpdesk__tickets "
                       "where row_status = 'superseded' and _raw_file not like '%raw_tickets.csv%'")
        assert cursor.fetchone()[0] > 0, "later batches superseded earlier versions"
    incremental = pg_tables(database)

    full_db = f"{database['PGDATABASE']}_full"
    admin = _connect(server)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f"create database {full_db}")
    try:
        full_env = {**database, "PGDATABASE": full_db}
        load(raw, full_env)
        pg_dbt(["run"], full_env, tmp_path / "full")
        full = pg_tables(full_env)
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f"drop database if exists {full_db} with (force)")
        admin.close()
    assert_same(full, incremental, ("full build", "batch by batch"))


def test_pipeline_on_postgres_publishes_validated_marts(database: dict[str, str],
                                                        tmp_path: Path) -> None:
    """`make build TARGET=postgres RAW_PATH=DIR`: load, build, summary, gate, publish (schema
    swap), dashboard from the published schema; a build after the gate publishes nothing."""
    raw = tmp_path / "raw"
    raw.mkdir()
    for path in (PROJECT / "seeds").glob("raw_*.csv"):
        shutil.copy(path, raw / path.name)
    publish_dir = tmp_path / "published"
    env = {
        **os.environ, **database,
        "DBT_PROFILES_DIR": str(PROJECT), "DBT_TARGET_PATH": str(tmp_path / "target"),
        "DBT_LOG_PATH": str(tmp_path / "logs"), "CS_KPI_PII_SALT": SALT,
        "CS_KPI_PUBLISH_DIR": str(publish_dir), "PYTHONPATH": str(PROJECT),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    env.pop("CS_KPI_LOCK_HELD", None)
    result = subprocess.run(
        [sys.executable, "-m", "cs_kpi.pipeline", "--target", "postgres", "--raw-path", str(raw)],
        cwd=PROJECT, env=env, capture_output=True, text=True)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:]
    assert "0 critical failures" in output
    assert "PostgreSQL: postgresql://" in output
    assert (publish_dir / "dashboard" / "index.html").exists()
    with _connect(database) as connection, connection.cursor() as cursor:
        cursor.execute("select table_name from information_schema.tables "
                       "where table_schema = 'marts' order by 1")
        published = [row[0] for row in cursor.fetchall()]
        cursor.execute("select count(*) from information_schema.schemata "
                       "where schema_name in ('marts_next', 'marts_previous')")
        leftovers = cursor.fetchone()[0]
        cursor.execute("select count(*) from marts.kpi_nps_monthly")
        nps_months = cursor.fetchone()[0]
    assert "kpi_nps_monthly" in published and "kpi_sla_monthly" in published
    assert leftovers == 0 and nps_months > 0

    # Any later build changes the warehouse: publish refuses until the gate runs again.
    pg_dbt(["run", "--select", "kpi_nps_monthly"], database, tmp_path)
    refused = subprocess.run([sys.executable, "-m", "cs_kpi.publish"], cwd=PROJECT,
                             env={**env, "CS_KPI_TARGET": "postgres"},
                             capture_output=True, text=True)
    for bookkeeping in (PROJECT / "warehouse").glob(f"postgres-{database['PGDATABASE']}*"):
        bookkeeping.unlink()
    assert refused.returncode == 1
    assert "PUBLISH REFUSED: the warehouse changed after the gate" in refused.stderr


def test_tables_landed_by_an_extract_load_tool(database: dict[str, str], tmp_path: Path) -> None:
    """Raw tables as an EL tool lands them (text columns only, no batch columns, one column
    missing) are read by a plain `dbt build` on the server, whole on every run."""
    import csv

    expected = {}
    with _connect(database) as connection, connection.cursor() as cursor:
        cursor.execute("create schema raw")
        for path in sorted((PROJECT / "seeds").glob("raw_*.csv")):
            with path.open(encoding="utf-8", newline="") as handle:
                header = next(csv.reader(handle))
            if path.stem == "raw_products":
                header = [c for c in header if c != "list_price"]  # an optional column missing
            columns = ", ".join(f'"{c}" text' for c in header)
            cursor.execute(f"create table raw.{path.stem} ({columns})")
            with path.open(encoding="utf-8", newline="") as handle:
                rows = list(csv.DictReader(handle))
            cursor.executemany(
                f"insert into raw.{path.stem} values ({', '.join(['%s'] * len(header))})",
                [[row[c] if row[c] != "" else None for c in header] for row in rows])
            expected[path.stem.removeprefix("raw_")] = len(rows)
    # With CS_KPI_PII_SALT set, dbt refuses to start until the salt is stored (never by dbt).
    stored = subprocess.run([sys.executable, "-m", "cs_kpi.load", "--salt-only"], cwd=PROJECT,
                            env={**os.environ, **database, "CS_KPI_PII_SALT": SALT,
                                 "PYTHONPATH": str(PROJECT)}, capture_output=True, text=True)
    assert stored.returncode == 0, stored.stderr
    for _ in range(2):  # the second run is incremental: the tables are read whole again
        pg_dbt(["build", "--exclude", "resource_type:unit_test"], database, tmp_path,
               raw_input="auto")
        with _connect(database) as connection, connection.cursor() as cursor:
            cursor.execute("select raw_input, status from cs_kpi_meta.build_state")
            assert cursor.fetchone() == ("source:raw", "succeeded")
            cursor.execute("select raw_table, raw_rows, classified_rows, is_reconciled "
                           "from staging.stg_audit__row_counts")
            counts = {t: (raw, classified, ok) for t, raw, classified, ok in cursor.fetchall()}
    assert counts == {t: (n, n, True) for t, n in expected.items()}


def test_fivetran_exports_on_postgres(database: dict[str, str], generated_raw: Path,
                                      built_from_csv: Path, tmp_path: Path) -> None:
    """Zendesk and Shopify exports (the round trip of test_vendor_mappings) loaded into the
    schemas zendesk and shopify of a server and mapped back give DuckDB's marts of the raw
    files they came from."""
    from cs_kpi.datagen.fivetran import export

    folder = tmp_path / "export"
    export(built_from_csv, generated_raw, folder)
    result = subprocess.run(
        [sys.executable, "-m", "cs_kpi.load", "--source", "fivetran", "--raw-path", str(folder)],
        cwd=PROJECT, env={**os.environ, **database, "CS_KPI_PII_SALT": SALT,
                          "PYTHONPATH": str(PROJECT)}, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "zendesk.ticket: 1 file(s), 1 new batch(es)" in result.stdout
    pg_dbt(["run"], database, tmp_path, raw_input="fivetran")
    on_pg = pg_tables(database)
    on_duckdb = duckdb_tables(built_from_csv)
    # The lifecycle marts (SPEC E) are not compared: the exporter writes the status history
    # that gives back each ticket's resolved_at and reopened_count, not the raw history
    # (test_vendor_mappings.test_round_trip_maps_the_status_history checks that mapping).
    marts = [name for name in on_duckdb if name.startswith("marts.kpi_")
             and name not in ("marts.kpi_ticket_lifecycle_monthly", "marts.kpi_ticket_backlog_daily")]
    assert len(marts) >= 10
    assert_same({m: on_duckdb[m] for m in marts}, {m: on_pg[m] for m in marts},
                ("DuckDB from raw files", "PostgreSQL from Fivetran exports"))


def test_typed_vendor_columns_whatever_the_session_time_zone(database: dict[str, str],
                                                            tmp_path: Path) -> None:
    """Fivetran lands instants as timestamp with time zone and other columns typed. Read as
    text they keep their instant whatever the session time zone (psycopg2 sets DateStyle
    ISO, so the text is ISO 8601 with the session's offset, which SPEC A parses)."""
    result = subprocess.run(
        [sys.executable, "-m", "cs_kpi.load", "--source", "fivetran", "--raw-path",
         str(PROJECT / "tests" / "vendor_exports" / "fivetran_samples")],
        cwd=PROJECT, env={**os.environ, **database, "CS_KPI_PII_SALT": SALT,
                          "PYTHONPATH": str(PROJECT)}, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    with _connect(database) as connection, connection.cursor() as cursor:
        cursor.execute("alter table zendesk.ticket alter created_at type timestamptz "
                       "using cast(trim(created_at) || '+00' as timestamptz)")
        cursor.execute("alter table zendesk.ticket alter updated_at type timestamp "
                       "using cast(trim(updated_at) as timestamp)")
        cursor.execute(f"alter database {database['PGDATABASE']} "
                       "set timezone = 'America/New_York'")
    pg_dbt(["run"], database, tmp_path, raw_input="fivetran")
    with _connect(database) as connection, connection.cursor() as cursor:
        cursor.execute("select cast(created_at as text), cast(updated_at as text) "
                       "from staging.stg_helpdesk__tickets where ticket_id = '16988'")
        assert cursor.fetchall() == [("2020-12-22 00:19:23", "2021-01-13 18:42:39")]
        cursor.execute("select count(*) from staging.stg_helpdesk__tickets")
        assert cursor.fetchone()[0] == 7
