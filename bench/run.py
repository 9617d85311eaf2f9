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
      hand-written DuckDB script, no dbt; its marts are compared with dbt's.
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


def bench_scale(scale: float, fmt: str, work: Path, log: Path) -> ScaleResult:
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
    return result


def render(results: list[ScaleResult]) -> str:
    steps = list(results[0].steps)
    lines = ["| scale | raw rows | " + " | ".join(f"{s} s / MB" for s in steps)
             + " | full rows/s | +1 day / full | full / floor | (parse + full) / floor"
             + " | floor = dbt |",
             "|---:|---:|" + "---:|" * len(steps) + "---:|---:|---:|---:|---:|"]
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
                     + f" | {r.floor_equal_marts} |")
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
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    log = args.out / f"bench-{stamp}.log"
    results = []
    for scale in args.scales:
        print(f"scale {scale:g} ...", flush=True)
        results.append(bench_scale(scale, args.format, args.work, log))
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
