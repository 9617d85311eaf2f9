"""The nine contracted marts equal an independent pandas implementation of SPEC, row by row."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from conftest import read_table
from reference_kpis import all_marts, valid_counts

CONTRACTED = [
    "kpi_nps_monthly", "kpi_csat_monthly", "kpi_fcr_monthly", "kpi_repeat_visits_monthly",
    "kpi_churn_monthly", "kpi_repeat_sales_monthly", "kpi_cross_sell_upsell_monthly",
    "kpi_ticket_ops_daily", "kpi_call_ops_daily",
]


@pytest.fixture(scope="module")
def reference(generated_raw: Path) -> dict[str, pd.DataFrame]:
    return all_marts(generated_raw)


def _same(a: object, b: object) -> bool:
    a_missing = a is None or (isinstance(a, float) and math.isnan(a)) or a is pd.NaT
    b_missing = b is None or (isinstance(b, float) and math.isnan(b)) or b is pd.NaT
    if a_missing or b_missing:
        return a_missing and b_missing
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    return pd.Timestamp(a) == pd.Timestamp(b) if hasattr(a, "year") else a == b


@pytest.mark.parametrize("mart", CONTRACTED)
def test_mart_matches_reference(mart: str, built_from_csv: Path, reference) -> None:
    actual = read_table(built_from_csv, f"marts.{mart}")
    expected = reference[mart]
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


def test_valid_row_counts_match_reference(built_from_csv: Path, generated_raw: Path) -> None:
    counts = read_table(built_from_csv, "staging.stg_audit__row_counts").set_index("raw_table")
    expected = valid_counts(generated_raw)
    assert counts["valid_rows"].to_dict() == expected
    assert counts["is_reconciled"].all()
