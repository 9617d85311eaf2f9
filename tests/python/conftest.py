"""Shared fixtures: generated raw data and dbt runs into throw-away DuckDB files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from cs_kpi.datagen.batches import split

PROJECT = Path(__file__).resolve().parents[2]
DBT = str(Path(sys.executable).with_name("dbt"))
# Arrival cuts of the incremental history: four batches.
CUTS = [pd.Timestamp(d, tz="UTC") for d in ("2026-01-01", "2026-04-01", "2026-07-01")]


def dbt(args: list[str], database: Path, raw_dir: Path | None = None,
        raw_format: str = "csv", check: bool = True) -> subprocess.CompletedProcess:
    """Run dbt in the project against its own DuckDB file (never the developer's warehouse)."""
    env = {
        **os.environ,
        "CS_KPI_DUCKDB_PATH": str(database),
        "CS_KPI_TEMP_DIR": str(database.parent / "tmp"),
        "DBT_PROFILES_DIR": str(PROJECT),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_TARGET_PATH": str(database.parent / "target"),
        "DBT_LOG_PATH": str(database.parent / "logs"),
        # One salt for every test warehouse, so builds compared with each other hash alike
        # (without it each warehouse gets its own random salt, SPEC B.4 v2).
        "CS_KPI_PII_SALT": "test-only-salt-not-secret",
    }
    if args[0] == "run":
        # Models need the configuration seeds (SPEC D); `dbt run` alone does not load seeds.
        args = ["build", "--exclude", "resource_type:test", "resource_type:unit_test", *args[1:]]
    command = [DBT, *args]
    if raw_dir is not None:
        command += ["--vars", f"{{raw_path: '{raw_dir}', raw_format: {raw_format}}}"]
    result = subprocess.run(command, cwd=PROJECT, env=env, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise AssertionError(f"dbt {' '.join(args)} failed:\n{result.stdout[-6000:]}")
    return result


def generate(out_dir: Path, scale: float, seed: int, fmt: str = "csv") -> Path:
    subprocess.run(
        [sys.executable, "-m", "cs_kpi.datagen", "--scale", str(scale), "--seed", str(seed),
         "--out", str(out_dir), "--format", fmt],
        cwd=PROJECT, check=True, capture_output=True,
        env={**os.environ, "PYTHONPATH": str(PROJECT)},
    )
    return out_dir


@pytest.fixture(scope="session")
def generated_raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A dataset the seeds are not: another seed, CSV and Parquet side by side."""
    return generate(tmp_path_factory.mktemp("raw"), scale=0.5, seed=777, fmt="both")


@pytest.fixture(scope="session")
def built_from_csv(generated_raw: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Named like the default warehouse so its catalog is `cs_kpi`, the database the semantic
    # manifest's relations name (MetricFlow reads it from the project's target/).
    database = tmp_path_factory.mktemp("csv_build") / "cs_kpi.duckdb"
    dbt(["run"], database, raw_dir=generated_raw)
    return database


def read_table(database: Path, relation: str):
    with duckdb.connect(str(database), read_only=True) as con:
        return con.sql(f"select * from {relation}").df()


@pytest.fixture(scope="session")
def history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A data set and the same rows cut into four arrival batches (5 % of rows one batch late)."""
    root = tmp_path_factory.mktemp("incremental")
    raw = generate(root / "raw", scale=0.3, seed=99)
    batches = root / "batches"
    counts = split(raw, batches, CUTS, "csv", late_share=0.05)
    assert all(sum(per_batch) == len(pd.read_csv(raw / f"raw_{name}.csv", dtype=str))
               for name, per_batch in counts.items()), "every raw row is in exactly one batch"
    assert sum(counts["tickets"][1:]) > 0 and sum(counts["orders"][1:]) > 0
    return raw, batches


def batch_files(batches: Path, number: int) -> list[Path]:
    if number == 0:
        return sorted(p for p in batches.glob("raw_*.csv") if "__" not in p.name)
    return sorted(batches.glob(f"raw_*__{number:02d}_*.csv"))
