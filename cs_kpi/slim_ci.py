"""Slim CI: build and test only what a change touches, against the published production state.

``cs-kpi slim-ci [--state DIR] [--production PATH] [--ci-database PATH] [dbt arguments ...]``

Runs ``dbt build --target ci --select state:modified+ --defer --state DIR``:

- the models, seeds, tests and unit tests whose code or configuration differ from the manifest
  of the last published build (``DIR``, default ``warehouse/published/state``, which
  ``cs-kpi publish`` writes), and everything downstream of them, are built and tested in a CI
  warehouse of their own (default ``warehouse/ci/cs_kpi_ci.duckdb``, recreated every run);
- every unchanged parent is read from the production warehouse (default ``CS_KPI_DUCKDB_PATH``
  or ``warehouse/cs_kpi.duckdb``), attached read-only under the database name the saved
  manifest gives it (profiles.yml, target ``ci``). The published copy holds the marts only,
  so a changed fact could not find its unchanged staging parents there.

Extra arguments go to dbt (``cs-kpi slim-ci --exclude resource_type:unit_test``).
Exit codes: 0 the selection built and passed (or nothing changed); 1 dbt failed; 2 no saved
state or no production warehouse.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from cs_kpi.publish import DEFAULT_PUBLISH_DIR, STATE_DIR

PROJECT = Path(__file__).resolve().parents[1]
DEFAULT_CI_DATABASE = Path("warehouse/ci/cs_kpi_ci.duckdb")


def production_database_name(manifest: Path) -> str:
    """The catalog the saved manifest's relations name (the production DuckDB file's stem)."""
    nodes = json.loads(manifest.read_text())["nodes"].values()
    names = {node["database"] for node in nodes if node["resource_type"] == "model"}
    if len(names) != 1:
        raise ValueError(f"{manifest}: models in {len(names)} databases, expected one")
    return names.pop()


def slim_ci_command(state: Path, extra: list[str]) -> list[str]:
    dbt = str(Path(sys.executable).with_name("dbt"))
    return [dbt, "build", "--target", "ci", "--select", "state:modified+", "--defer",
            "--state", str(state), *extra]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--state", type=Path, default=DEFAULT_PUBLISH_DIR / STATE_DIR,
                        help="folder with the production manifest.json (default: %(default)s)")
    default_production = os.environ.get("CS_KPI_DUCKDB_PATH", "warehouse/cs_kpi.duckdb")
    parser.add_argument("--production", type=Path, default=Path(default_production),
                        help="production DuckDB file the unchanged models are read from")
    parser.add_argument("--ci-database", type=Path, default=DEFAULT_CI_DATABASE,
                        help="DuckDB file the changed models are built in (default: %(default)s)")
    args, extra = parser.parse_known_args(argv)

    manifest = args.state / "manifest.json"
    if not manifest.exists():
        print(f"SLIM CI: no production state at {manifest}: publish a build first "
              "(cs-kpi build, or cs-kpi publish)", file=sys.stderr)
        return 2
    if not args.production.exists():
        print(f"SLIM CI: no production warehouse at {args.production}", file=sys.stderr)
        return 2
    try:
        alias = production_database_name(manifest)
    except (ValueError, KeyError, json.JSONDecodeError) as unreadable:
        print(f"SLIM CI: unreadable production state: {unreadable}", file=sys.stderr)
        return 2
    ci_database = args.ci_database.absolute()
    if ci_database.stem == alias:
        print(f"SLIM CI: the CI database may not be named like production ({alias})",
              file=sys.stderr)
        return 2
    ci_database.parent.mkdir(parents=True, exist_ok=True)
    for leftover in (ci_database, ci_database.with_name(ci_database.name + ".wal")):
        leftover.unlink(missing_ok=True)  # a throw-away warehouse: every run starts empty

    env = {
        **os.environ,
        "CS_KPI_CI_DUCKDB": str(ci_database),
        "CS_KPI_PROD_DUCKDB": str(args.production.absolute()),
        "CS_KPI_PROD_ALIAS": alias,
        "DBT_PROFILES_DIR": os.environ.get("DBT_PROFILES_DIR", str(PROJECT)),
        # its own target/ and logs/: the project's target/ keeps the production manifest
        # that MetricFlow and publish read
        "DBT_TARGET_PATH": str(ci_database.parent / "target"),
        "DBT_LOG_PATH": str(ci_database.parent / "logs"),
    }
    command = slim_ci_command(args.state.absolute(), extra)
    print(f"slim CI: changes against {manifest}, unchanged parents from {args.production} "
          f"(as {alias}), built in {ci_database}", flush=True)
    return 1 if subprocess.run(command, cwd=PROJECT, env=env).returncode != 0 else 0


if __name__ == "__main__":
    raise SystemExit(main())
