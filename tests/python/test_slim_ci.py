"""Slim CI (`cs-kpi slim-ci`): a change is built and tested alone, its unchanged parents are
read from the production warehouse, against the state saved by publish."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import DBT, PROJECT

from cs_kpi.publish import publish

COPIED = ["models", "macros", "seeds", "tests", "cs_kpi", "scripts", "dbt_project.yml", "profiles.yml"]


@pytest.fixture(scope="module")
def production(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A copy of the project with a production build of the seeds, published (state saved)."""
    root = tmp_path_factory.mktemp("slim_ci")
    project = root / "project"
    project.mkdir()
    for name in COPIED:
        source = PROJECT / name
        if source.is_dir():
            shutil.copytree(source, project / name, ignore=shutil.ignore_patterns("__pycache__", "python"))
        else:
            shutil.copy2(source, project / name)
    database = root / "prod" / "cs_kpi.duckdb"
    database.parent.mkdir()
    env = _env(project, CS_KPI_DUCKDB_PATH=str(database), CS_KPI_TEMP_DIR=str(root / "tmp"))
    result = subprocess.run([DBT, "build", "--exclude", "resource_type:test", "resource_type:unit_test"],
                            cwd=project, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-4000:]
    published = root / "published"
    publish(database, published, manifest_path=project / "target" / "manifest.json", require_gate=False)
    return {"project": project, "database": database, "state": published / "state", "root": root}


def _env(project: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "DBT_PROFILES_DIR": str(project), "PYTHONPATH": str(project),
            "CS_KPI_PROJECT_DIR": str(project), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "CS_KPI_PII_SALT": "test-only-salt-not-secret", "DBT_TARGET_PATH": str(project / "target"),
            "DBT_LOG_PATH": str(project / "logs"), **extra}


def _slim_ci(production: dict[str, Path], ci_database: Path, state: Path | None = None,
             ) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "cs_kpi.slim_ci", "--state", str(state or production["state"]),
               "--production", str(production["database"]), "--ci-database", str(ci_database)]
    env = _env(production["project"], CS_KPI_TEMP_DIR=str(production["root"] / "tmp"))
    return subprocess.run(command, cwd=production["project"], env=env, capture_output=True, text=True)


def test_publish_saves_the_production_manifest(production: dict[str, Path]) -> None:
    manifest = json.loads((production["state"] / "manifest.json").read_text())
    assert "model.cs_kpi.kpi_nps_monthly" in manifest["nodes"]


def test_a_changed_mart_is_built_alone_on_production_parents(production: dict[str, Path]) -> None:
    model = production["project"] / "models" / "marts" / "kpi" / "kpi_nps_monthly.sql"
    original = model.read_text()
    model.write_text(original + "-- a change slim CI must pick up\n")
    ci_database = production["root"] / "ci" / "cs_kpi_ci.duckdb"
    try:
        result = _slim_ci(production, ci_database)
    finally:
        model.write_text(original)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]

    run_results = json.loads((ci_database.parent / "target" / "run_results.json").read_text())
    built = {r["unique_id"].split(".")[-1] for r in run_results["results"] if r["unique_id"].startswith("model.")}
    # the change and what reads it; nothing upstream is rebuilt
    assert built == {"kpi_nps_monthly", "kpi_executive_summary_monthly"}
    statuses = {r["unique_id"]: r["status"] for r in run_results["results"]}
    assert set(statuses.values()) <= {"success", "pass", "no-op"}, statuses  # no-op: the exposure

    with duckdb.connect(str(ci_database), read_only=True) as ci:
        tables = {name for (name,) in ci.sql("select table_name from duckdb_tables()").fetchall()}
        assert "fct_survey_responses" not in tables, "the unchanged fact was rebuilt, not deferred"
        ci.execute(f"attach '{production['database']}' as prod (read_only)")
        differing = ci.execute("select count(*) from (select * from marts.kpi_nps_monthly "
                           "except all select * from prod.marts.kpi_nps_monthly)").fetchone()[0]
    assert differing == 0, "the mart built on deferred parents differs from production"


def test_no_saved_state_is_a_one_line_error(production: dict[str, Path], tmp_path: Path) -> None:
    result = _slim_ci(production, tmp_path / "ci" / "cs_kpi_ci.duckdb", state=tmp_path / "nowhere")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "no production state" in result.stderr
