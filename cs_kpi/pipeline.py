"""The whole pipeline on one input: preflight -> dbt build -> summary -> gate -> publish ->
dashboard, holding the warehouse lock throughout.

``python -m cs_kpi.pipeline [--raw-path DIR [--format csv|parquet]] [--full-refresh]``

Without ``--raw-path`` the input is the committed seeds. Each step runs only when the one
before it succeeded; the exit code is the failing step's (2: the raw files are unreadable,
1: build, gate or publish failed or another build holds the warehouse).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from cs_kpi import preflight
from cs_kpi.warehouse_state import LOCK_HELD_ENV, WarehouseBusy, warehouse_lock

DEFAULT_DATABASE = Path(os.environ.get("CS_KPI_DUCKDB_PATH", "warehouse/cs_kpi.duckdb"))


def _run(step: str, command: list[str]) -> int:
    print(f"==> {step}", flush=True)
    return subprocess.run(command, check=False).returncode


def run(raw_path: str | None, raw_format: str, full_refresh: bool, database: Path) -> int:
    python = sys.executable
    dbt = str(Path(python).with_name("dbt"))
    build = [dbt, "build", "--fail-fast"] + (["--full-refresh"] if full_refresh else [])
    gate = [python, "-m", "cs_kpi.quality.gate", "--database", str(database)]
    if raw_path:
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
    for step, command in (
        ("summary", [python, "-m", "cs_kpi.summary", "--database", str(database)]),
        ("data-quality gate", gate),
        ("publish", [python, "-m", "cs_kpi.publish", "--database", str(database)]),
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
    parser.add_argument("--full-refresh", action="store_true")
    parser.add_argument("--database", type=Path, default=DEFAULT_DATABASE)
    args = parser.parse_args(argv)
    try:
        with warehouse_lock(args.database):
            os.environ[LOCK_HELD_ENV] = "1"
            return run(args.raw_path or None, args.format, args.full_refresh, args.database)
    except WarehouseBusy as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
