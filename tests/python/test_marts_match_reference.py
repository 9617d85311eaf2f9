"""The contracted marts (parts C and E) equal an independent implementation of SPEC, row by row."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from conftest import read_table
from reference_kpis import all_marts, load_valid, valid_counts
from reference_lifecycle import lifecycle_marts, stage_changes

CONTRACTED = [
    "kpi_nps_monthly", "kpi_csat_monthly", "kpi_fcr_monthly", "kpi_repeat_visits_monthly",
    "kpi_churn_monthly", "kpi_repeat_sales_monthly", "kpi_cross_sell_upsell_monthly",
    "kpi_ticket_ops_daily", "kpi_call_ops_daily", "kpi_ticket_lifecycle_monthly",
    "kpi_ticket_backlog_daily",
]


@pytest.fixture(scope="module")
def reference(generated_raw: Path) -> dict[str, pd.DataFrame]:
    tickets = load_valid(generated_raw)["tickets"]
    return {**all_marts(generated_raw), **lifecycle_marts(generated_raw, tickets)}


def _same(a: object, b: object) -> bool:
    a_missing = a is None or (isinstance(a, float) and math.isnan(a)) or a is pd.NaT
    b_missing = b is None or (isinstance(b, float) and math.isnan(b)) or b is pd.NaT
    if a_missing or b_missing:
        return a_missing and b_missing
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    return pd.Timestamp(a) == pd.Timestamp(b) if hasattr(a, "year") else a == b


def assert_same_rows(mart: str, actual: pd.DataFrame, expected: pd.DataFrame) -> None:
    """The mart equals the reference frame: same columns, rows in grain order, values equal
    (floats to 1e-9)."""
    grain = actual.columns[0]
    actual = actual.sort_values(grain).reset_index(drop=True)
    assert list(expected.columns) == list(actual.columns)
    assert len(actual) == len(expected), f"{mart}: {len(actual)} rows, expected {len(expected)}"
    mismatches = []
    for i in range(len(expected)):
        for column in expected.columns:
            a, e = actual.at[i, column], expected.at[i, column]
            if not _same(a, e):
                mismatches.append(f"{actual.at[i, grain]} {column}: got {a}, expected {e}")
    assert not mismatches, f"{mart}: {len(mismatches)} mismatches, e.g. {mismatches[:5]}"


@pytest.mark.parametrize("mart", CONTRACTED)
def test_mart_matches_reference(mart: str, built_from_csv: Path, reference) -> None:
    assert_same_rows(mart, read_table(built_from_csv, f"marts.{mart}"), reference[mart])


def test_valid_row_counts_match_reference(built_from_csv: Path, generated_raw: Path) -> None:
    counts = read_table(built_from_csv, "staging.stg_audit__row_counts").set_index("raw_table")
    expected = valid_counts(generated_raw)
    raw_changes = pd.read_csv(generated_raw / "raw_ticket_status_changes.csv", dtype=str,
                              keep_default_na=False, na_values=[""])
    histories = stage_changes(raw_changes, load_valid(generated_raw)["tickets"])
    expected["ticket_status_changes"] = sum(len(h) for h in histories.values())
    assert counts["valid_rows"].to_dict() == expected
    assert counts["is_reconciled"].all()
