"""The Great Expectations gate evaluates in DuckDB, passes clean builds and bites on bad data."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import dbt

from cs_kpi.quality import gx_duckdb
from cs_kpi.quality.gate import PROJECT, AssetSpec, load_specs, main, run_gate

BETWEEN = {"type": "expect_column_values_to_be_between",
           "kwargs": {"column": "rate", "min_value": 0, "max_value": 100}}


@pytest.fixture()
def tiny_warehouse(tmp_path: Path) -> Path:
    database = tmp_path / "tiny.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.good as select * from (values (1.0), (99.5)) as t(rate)")
        con.execute("create table marts.bad as select * from (values (1.0), (150.0)) as t(rate)")
    return database


def test_workaround_known_good_passes_known_bad_fails(tiny_warehouse: Path) -> None:
    """Fails loudly if a GE upgrade breaks SQL evaluation on DuckDB (all would 'fail')."""
    specs = [AssetSpec("marts", name, f"select * from marts.{name}", [BETWEEN])
             for name in ("good", "bad")]
    outcomes = {o.suite: o for o in run_gate(tiny_warehouse, specs, docs_dir=None)}
    assert outcomes["marts.good"].success, outcomes["marts.good"]
    assert not outcomes["marts.bad"].success
    assert outcomes["marts.bad"].expectation == "expect_column_values_to_be_between"
    assert outcomes["marts.bad"].observed == "1"  # one unexpected value, evaluated, not an error
    assert "150" in outcomes["marts.bad"].sample


def test_workaround_is_contained_and_idempotent() -> None:
    gx_duckdb.enable_duckdb_persisted_connection()
    gx_duckdb.enable_duckdb_persisted_connection()
    dialects = gx_duckdb._engine._PERSISTED_CONNECTION_DIALECTS
    assert sum(1 for d in dialects if d == "duckdb") == 1


def test_suites_cover_every_layer() -> None:
    specs = load_specs(PROJECT / "expectations")
    layers = {s.layer for s in specs}
    assert layers == {"raw", "staging", "marts"}
    assert all(s.expectations for s in specs)
    assert sum(len(s.expectations) for s in specs) >= 100


def test_gate_passes_a_clean_build(built_from_csv: Path, generated_raw: Path, capsys) -> None:
    code = main(["--database", str(built_from_csv), "--raw-path", str(generated_raw),
                 "--no-docs"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "0 critical failures" in out


def test_gate_fails_on_a_corrupted_mart_and_names_it(
    built_from_csv: Path, generated_raw: Path, tmp_path: Path, capsys
) -> None:
    database = tmp_path / "corrupt.duckdb"
    shutil.copy(built_from_csv, database)
    with duckdb.connect(str(database)) as con:
        con.execute("update marts.kpi_nps_monthly set promoters = promoters + 1")
        con.execute("update marts.kpi_fcr_monthly set fcr_rate = 150")
    code = main(["--database", str(database), "--raw-path", str(generated_raw), "--no-docs"])
    out = capsys.readouterr().out
    assert code == 1
    assert "[CRITICAL] marts.kpi_nps_monthly  unexpected_rows_expectation" in out
    assert "[CRITICAL] marts.kpi_fcr_monthly  expect_column_values_to_be_between" in out


def test_gate_stops_a_broken_export(generated_raw: Path, tmp_path: Path, capsys) -> None:
    """A third of the tickets with garbage timestamps: the build passes, the gate does not."""
    broken = tmp_path / "broken"
    shutil.copytree(generated_raw, broken)
    tickets = pd.read_csv(broken / "raw_tickets.csv", dtype=str, keep_default_na=False)
    tickets.loc[tickets.index % 3 == 0, "created_at"] = "03/04/2026 10:15"
    tickets.to_csv(broken / "raw_tickets.csv", index=False)
    database = tmp_path / "broken.duckdb"
    dbt(["run"], database, raw_dir=broken)
    code = main(["--database", str(database), "--raw-path", str(broken), "--no-docs"])
    out = capsys.readouterr().out
    assert code == 1
    assert ("[CRITICAL] raw.row_counts_sizable  expect_column_values_to_be_between  "
            "column=rejected_pct") in out


def test_gate_releases_the_warehouse(tiny_warehouse: Path) -> None:
    run_gate(tiny_warehouse, [AssetSpec("marts", "good", "select * from marts.good", [BETWEEN])],
             docs_dir=None)
    with duckdb.connect(str(tiny_warehouse)) as con:  # writable, default configuration
        con.execute("insert into marts.good values (5.0)")
