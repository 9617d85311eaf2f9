"""Benchmark: generation, full build, tests, gate, incremental run and the floor, side by side.

``python -m bench.run --scales 1 10 100 [--format parquet|csv] [--out bench_results]``
(``make bench SCALES="1 10 100"``)

For each scale, in one run on this machine:
  (a) generate the raw data (``cs_kpi.datagen``), then hold back the last day of arrivals
      (``cs_kpi.datagen.batches``, cut at 2026-09-30) as the batch to append later;
  (b) ``dbt parse``: the project is parsed once for the scale's ``--vars`` (a cold parse, 9-10 s
      whatever the data; a daily run re-uses the partial parse), then the full ``dbt run``
      (no tests) into a fresh DuckDB file, timed on its own as the build;
  (c) ``dbt test`` (data tests; unit tests do not depend on the data and run in ``make test``);
  (d) the Great Expectations gate (checks only, no Data Docs);
  (e) append the held-back day and run ``dbt run`` again (incremental);
  (f) the floor: ``bench/floor.sql``, the nine contracted marts from the same raw files by one
      hand-written DuckDB script, no dbt; its marts are compared with dbt's;
  (g) with ``--postgres`` (a server from the libpq variables or ``scripts/pg_cluster.sh``):
      the same files loaded into a fresh database (``cs_kpi.load``) and the full ``dbt run
      --target postgres``, then the held-back day loaded and run again. Peak memory there is
      the dbt client's; the server's work is in the wall time.
  (h) with ``--spark`` (dbt's embedded spark target, a JDK on the PATH): the same files loaded
      (``cs_kpi.load --target spark``) and the full ``dbt run --target spark``, then the held-back
      day loaded and run again (on Parquet every run rebuilds its tables). Peak memory is the
      dbt process's only: Spark's JVM (heap up to CS_KPI_SPARK_MEMORY, default 4g) is a
      process dbt does not wait for, so the kernel's rusage does not count it.
Each step is a child process: wall time, and peak resident memory from the kernel's rusage of
that child (``os.wait4``). The table is printed and written with the details (slowest models,
rows per second) to ``<out>/bench-<time>.md`` and ``.json`` (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
APPEND_DAY = "2026-09-30"


@dataclass
class Step:
    seconds: float
    peak_mb: float
    ok: bool


@dataclass
class ScaleResult:
    scale: float
    raw_rows: int = 0
    appended_rows: int = 0
    steps: dict[str, Step] = field(default_factory=dict)
    slowest_full: list[tuple[str, float]] = field(default_factory=list)
    slowest_incremental: list[tuple[str, float]] = field(default_factory=list)
    model_seconds_full: float = 0.0
    model_seconds_incremental: float = 0.0
    business_time_full: float = 0.0
    business_time_incremental: float = 0.0
    floor_equal_marts: str = ""


def measure(command: list[str], env: dict[str, str], log: Path) -> Step:
    """Run one child process; wall time and its peak RSS (ru_maxrss, KiB on Linux)."""
    started = time.perf_counter()
    with log.open("ab") as out:
        out.write(f"\n$ {' '.join(command)}\n".encode())
        out.flush()
        process = subprocess.Popen(command, cwd=PROJECT, env=env, stdout=out,
                                   stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return Step(round(time.perf_counter() - started, 2), round(usage.ru_maxrss / 1024, 0),
                process.returncode == 0)


def _slowest(target: Path, count: int = 3) -> tuple[list[tuple[str, float]], float]:
    results = json.loads((target / "run_results.json").read_text())["results"]
    timed = sorted(((r["unique_id"].split(".")[-1], round(r["execution_time"], 2))
                    for r in results), key=lambda item: -item[1])
    return timed[:count], round(sum(t for _, t in timed), 2)


# SPEC D's business-minute step: the business calendar and the per-ticket clock and statuses.
BUSINESS_TIME_MODELS = ("int_business_intervals", "int_ticket_service_levels")


def _business_time(target: Path) -> float:
    results = json.loads((target / "run_results.json").read_text())["results"]
    return round(sum(r["execution_time"] for r in results
                     if r["unique_id"].split(".")[-1] in BUSINESS_TIME_MODELS), 2)


def _count_rows(folder: Path, fmt: str) -> int:
    import duckdb

    reader = "read_parquet" if fmt == "parquet" else "read_csv"
    files = sorted(folder.glob(f"raw_*.{fmt}"))
    if not files:
        return 0
    options = "" if fmt == "parquet" else ", all_varchar = true, union_by_name = true"
    with duckdb.connect() as con:
        return sum(con.execute(f"select count(*) from {reader}('{f}'{options})").fetchall()[0][0]
                   for f in files)


def postgres_env() -> dict[str, str] | None:
    """The libpq variables of the server to use: the environment's, else the local one."""
    if os.environ.get("PGHOST"):
        return {k: v for k, v in os.environ.items() if k.startswith("PG")}
    printed = subprocess.run([str(PROJECT / "scripts" / "pg_cluster.sh"), "start"],
                             capture_output=True, text=True)
    if printed.returncode != 0:
        return None
    pairs = [pair for line in printed.stdout.splitlines()
             for pair in line.removeprefix("export ").split()]
    return dict(pair.split("=", 1) for pair in pairs if "=" in pair)


def bench_postgres(result: ScaleResult, root: Path, split_dir: Path, fmt: str,
                   env: dict[str, str], pg: dict[str, str], log: Path) -> None:
    import psycopg2

    name = f"cs_kpi_bench_{str(result.scale).replace('.', '_')}"
    admin = psycopg2.connect(host=pg["PGHOST"], port=pg["PGPORT"], user=pg["PGUSER"],
                             password=pg.get("PGPASSWORD", ""), dbname=pg["PGDATABASE"])
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f"drop database if exists {name} with (force)")
        cursor.execute(f"create database {name}")
    pg_env = {**env, **pg, "PGDATABASE": name, "CS_KPI_TARGET": "postgres",
              "DBT_TARGET_PATH": str(root / "target-pg"), "CS_KPI_PII_SALT": "bench-only-salt"}
    python, dbt = str(BIN / "python"), str(BIN / "dbt")
    landing = root / "landing-pg"
    landing.mkdir()
    appended = sorted(split_dir.glob(f"raw_*__*.{fmt}"))
    for path in split_dir.glob(f"raw_*.{fmt}"):
        if path not in appended:
            shutil.copy(path, landing / path.name)
    load = [python, "-m", "cs_kpi.load", "--raw-path", str(landing), "--format", fmt]
    source_vars = ["--vars", "{raw_input: source}"]
    try:
        result.steps["pg load"] = measure(load, pg_env, log)
        subprocess.run([dbt, "seed", "--quiet", *source_vars], cwd=PROJECT, env=pg_env,
                       check=True, capture_output=True)
        result.steps["pg dbt run (full)"] = measure([dbt, "run", "--quiet", *source_vars],
                                                    pg_env, log)
        for path in appended:
            shutil.copy(path, landing / path.name)
        result.steps["pg load (+1 day)"] = measure(load, pg_env, log)
        result.steps["pg dbt run (+1 day)"] = measure([dbt, "run", "--quiet", *source_vars],
                                                      pg_env, log)
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f"drop database if exists {name} with (force)")
        admin.close()


def bench_spark(result: ScaleResult, root: Path, split_dir: Path, fmt: str,
                env: dict[str, str], log: Path) -> None:
    spark_dir = root / "spark"
    spark_env = {**env, "CS_KPI_TARGET": "spark", "CS_KPI_SPARK_DIR": str(spark_dir),
                 "CS_KPI_PROJECT_DIR": str(PROJECT), "SPARK_LOCAL_IP": "127.0.0.1",
                 "DBT_TARGET_PATH": str(root / "target-spark"),
                 "CS_KPI_PII_SALT": "bench-only-salt"}
    python, dbt = str(BIN / "python"), str(BIN / "dbt")
    landing = root / "landing-spark"
    landing.mkdir()
    appended = sorted(split_dir.glob(f"raw_*__*.{fmt}"))
    for path in split_dir.glob(f"raw_*.{fmt}"):
        if path not in appended:
            shutil.copy(path, landing / path.name)
    load = [python, "-m", "cs_kpi.load", "--target", "spark", "--raw-path", str(landing),
            "--format", fmt]
    source_vars = ["--vars", json.dumps({"raw_input": "source",
                                         "spark_raw_location": str((spark_dir / "raw").resolve())})]
    result.steps["spark load"] = measure(load, spark_env, log)
    subprocess.run([dbt, "seed", "--quiet", *source_vars], cwd=PROJECT, env=spark_env,
                   check=True, capture_output=True)
    result.steps["spark dbt run (full)"] = measure([dbt, "run", "--quiet", *source_vars],
                                                   spark_env, log)
    for path in appended:
        shutil.copy(path, landing / path.name)
    result.steps["spark load (+1 day)"] = measure(load, spark_env, log)
    result.steps["spark dbt run (+1 day)"] = measure([dbt, "run", "--quiet", *source_vars],
                                                     spark_env, log)


def bench_scale(scale: float, fmt: str, work: Path, log: Path,
                pg: dict[str, str] | None = None, spark: bool = False) -> ScaleResult:
    result = ScaleResult(scale)
    root = work / f"scale-{scale:g}"
    shutil.rmtree(root, ignore_errors=True)
    raw, split_dir, landing = root / "raw", root / "split", root / "landing"
    database = root / "cs_kpi.duckdb"
    env = {**os.environ, "PYTHONPATH": str(PROJECT), "DBT_PROFILES_DIR": str(PROJECT),
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "CS_KPI_DUCKDB_PATH": str(database),
           "CS_KPI_TEMP_DIR": str(root / "tmp"), "DBT_TARGET_PATH": str(root / "target"),
           "DBT_LOG_PATH": str(root / "logs")}
    python, dbt = str(BIN / "python"), str(BIN / "dbt")
    dbt_vars = ["--vars", f"{{raw_path: '{landing}', raw_format: {fmt}}}"]

    result.steps["generate"] = measure(
        [python, "-m", "cs_kpi.datagen", "--scale", f"{scale:g}", "--out", str(raw),
         "--format", fmt], env, log)
    subprocess.run([python, "-m", "cs_kpi.datagen.batches", "--raw", str(raw), "--out",
                    str(split_dir), "--at", APPEND_DAY, "--late-share", "0", "--format", fmt],
                   cwd=PROJECT, env=env, check=True, capture_output=True)
    landing.mkdir()
    appended = sorted(split_dir.glob(f"raw_*__*.{fmt}"))
    for path in split_dir.glob(f"raw_*.{fmt}"):
        if path not in appended:
            shutil.copy(path, landing / path.name)
    result.raw_rows = _count_rows(raw, fmt)
    result.appended_rows = result.raw_rows - _count_rows(landing, fmt)

    result.steps["dbt parse"] = measure([dbt, "parse", "--quiet", *dbt_vars], env, log)
    # The configuration seeds (SPEC D) the models read; not part of the measured run.
    subprocess.run([dbt, "seed", "--quiet", *dbt_vars], cwd=PROJECT, env=env, check=True,
                   capture_output=True)
    result.steps["dbt run (full)"] = measure([dbt, "run", "--quiet", *dbt_vars], env, log)
    result.slowest_full, result.model_seconds_full = _slowest(root / "target")
    result.business_time_full = _business_time(root / "target")
    # Data tests; unit tests do not depend on the data (they run in `make test`).
    result.steps["dbt test"] = measure(
        [dbt, "test", "--quiet", "--exclude", "resource_type:unit_test", *dbt_vars], env, log)
    result.steps["gate"] = measure(
        [python, "-m", "cs_kpi.quality.gate", "--no-docs", "--database", str(database),
         "--raw-path", str(landing), "--raw-format", fmt], env, log)
    for path in appended:
        shutil.copy(path, landing / path.name)
    result.steps["dbt run (+1 day)"] = measure([dbt, "run", "--quiet", *dbt_vars], env, log)
    result.slowest_incremental, result.model_seconds_incremental = _slowest(root / "target")
    result.business_time_incremental = _business_time(root / "target")
    floor_db = root / "floor.duckdb"
    result.steps["floor script"] = measure(
        [python, "-m", "bench.floor", "--raw", str(raw), "--format", fmt,
         "--database", str(floor_db)], env, log)
    if result.steps["floor script"].ok and result.steps["dbt run (+1 day)"].ok:
        from bench.compare import differing_rows

        differences = differing_rows(floor_db, database)
        equal = sum(1 for bad in differences.values() if bad == 0)
        result.floor_equal_marts = f"{equal}/{len(differences)}"
    if pg is not None:
        bench_postgres(result, root, split_dir, fmt, env, pg, log)
    if spark:
        bench_spark(result, root, split_dir, fmt, env, log)
    return result


def render(results: list[ScaleResult]) -> str:
    steps = list(results[0].steps)
    with_pg = "pg dbt run (full)" in steps
    with_spark = "spark dbt run (full)" in steps
    lines = ["| scale | raw rows | " + " | ".join(f"{s} s / MB" for s in steps)
             + " | full rows/s | +1 day / full | full / floor | (parse + full) / floor"
             + " | floor = dbt |" + (" pg full / duckdb full |" if with_pg else "")
             + (" spark full / duckdb full |" if with_spark else ""),
             "|---:|---:|" + "---:|" * len(steps) + "---:|---:|---:|---:|---:|"
             + ("---:|" if with_pg else "") + ("---:|" if with_spark else "")]
    for r in results:
        cells = [f"{r.steps[s].seconds:.1f} / {r.steps[s].peak_mb:,.0f}"
                 + ("" if r.steps[s].ok else " FAILED") for s in steps]
        full = r.steps["dbt run (full)"].seconds
        inc = r.steps["dbt run (+1 day)"].seconds
        floor = r.steps["floor script"].seconds
        parse = r.steps["dbt parse"].seconds
        lines.append(f"| {r.scale:g} | {r.raw_rows:,} | " + " | ".join(cells)
                     + f" | {r.raw_rows / full:,.0f} | {100 * inc / full:.0f} %"
                     + f" | {full / floor:.1f}x | {(parse + full) / floor:.1f}x"
                     + f" | {r.floor_equal_marts} |"
                     + (f" {r.steps['pg dbt run (full)'].seconds / full:.1f}x |"
                        if "pg dbt run (full)" in r.steps else "")
                     + (f" {r.steps['spark dbt run (full)'].seconds / full:.1f}x |"
                        if "spark dbt run (full)" in r.steps else ""))
    lines.append("")
    for r in results:
        lines.append(f"scale {r.scale:g}: appended day = {r.appended_rows:,} raw rows; model time "
                     f"(sum of dbt execution_time) full {r.model_seconds_full:.1f} s, +1 day "
                     f"{r.model_seconds_incremental:.1f} s; slowest full: "
                     + ", ".join(f"{n} {t:.1f} s" for n, t in r.slowest_full)
                     + "; slowest +1 day: "
                     + ", ".join(f"{n} {t:.1f} s" for n, t in r.slowest_incremental)
                     + f"; business-minute step ({' + '.join(BUSINESS_TIME_MODELS)}) full "
                     f"{r.business_time_full:.1f} s, +1 day {r.business_time_incremental:.1f} s")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", nargs="+", type=float, default=[1, 10, 100])
    parser.add_argument("--format", choices=["csv", "parquet"], default="parquet")
    parser.add_argument("--work", type=Path, default=PROJECT / "data" / "bench")
    parser.add_argument("--out", type=Path, default=PROJECT / "bench_results")
    parser.add_argument("--postgres", action="store_true",
                        help="also build each scale on PostgreSQL (make bench POSTGRES=1)")
    parser.add_argument("--spark", action="store_true",
                        help="also build each scale on the embedded Spark (make bench SPARK=1)")
    args = parser.parse_args(argv)
    pg = postgres_env() if args.postgres else None
    if args.postgres and pg is None:
        print("ERROR: --postgres: no PostgreSQL server (scripts/pg_cluster.sh start failed)",
              file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    log = args.out / f"bench-{stamp}.log"
    results = []
    for scale in args.scales:
        print(f"scale {scale:g} ...", flush=True)
        results.append(bench_scale(scale, args.format, args.work, log, pg, args.spark))
        print(render(results[-1:]), flush=True)
    table = render(results)
    header = (f"Benchmark {stamp}, {os.cpu_count()} cores, raw format {args.format}, "
              f"threads {os.environ.get('CS_KPI_THREADS', '2')}, memory_limit "
              f"{os.environ.get('CS_KPI_MEMORY_LIMIT', '6GB')}; log {log.name}\n\n")
    (args.out / f"bench-{stamp}.md").write_text(header + table + "\n")
    details = json.dumps([asdict(r) for r in results], indent=2)
    (args.out / f"bench-{stamp}.json").write_text(details)
    print("\n" + header + table)
    print(f"\nwritten: {args.out / f'bench-{stamp}.md'}")
    failed = [f"{r.scale:g}:{name}" for r in results for name, s in r.steps.items() if not s.ok]
    if failed:
        print("FAILED steps: " + ", ".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
