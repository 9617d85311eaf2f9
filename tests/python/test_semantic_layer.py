"""The MetricFlow metrics (models/marts/_metrics.yml) give the KPI marts' figures by month.

`mf query` runs against a warehouse built from generated data (not the seeds), through the
same profile BI users would use, and every metric is compared month by month with the mart
column it claims to equal.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import PROJECT, read_table

MF = str(Path(sys.executable).with_name("mf"))

# metric -> (mart, column) it must equal at the month grain
METRIC_MARTS: dict[str, tuple[str, str]] = {
    "nps": ("kpi_nps_monthly", "nps"),
    "csat_pct": ("kpi_csat_monthly", "csat_pct"),
    "fcr_rate": ("kpi_fcr_monthly", "fcr_rate"),
    "repeat_visit_rate": ("kpi_repeat_visits_monthly", "repeat_visit_rate"),
    "churn_rate": ("kpi_churn_monthly", "churn_rate"),
    "repeat_sales_rate": ("kpi_repeat_sales_monthly", "repeat_sales_rate"),
    "cross_sell_rate": ("kpi_cross_sell_upsell_monthly", "cross_sell_rate"),
    "upsell_rate": ("kpi_cross_sell_upsell_monthly", "upsell_rate"),
    "avg_first_response_minutes": ("kpi_executive_summary_monthly", "avg_first_response_minutes"),
    "service_level_pct": ("kpi_executive_summary_monthly", "service_level_pct"),
    "avg_handle_time_seconds": ("kpi_executive_summary_monthly", "avg_handle_time_seconds"),
    "first_response_sla_pct": ("kpi_sla_monthly", "first_response_sla_pct"),
    "resolution_sla_pct": ("kpi_sla_monthly", "resolution_sla_pct"),
}


def mf_query(database: Path, metrics: list[str], group_by: str, out: Path) -> pd.DataFrame:
    """Run `mf query` against `database` (the dbt target of that build) and read its CSV."""
    env = {
        **os.environ,
        "CS_KPI_DUCKDB_PATH": str(database),
        "CS_KPI_TEMP_DIR": str(database.parent / "tmp"),
        "DBT_PROFILES_DIR": str(PROJECT),
        "DBT_TARGET_PATH": str(database.parent / "target"),
        "DBT_LOG_PATH": str(database.parent / "logs"),
    }
    command = [MF, "query", "--metrics", ",".join(metrics), "--group-by", group_by,
               "--order", group_by, "--csv", str(out), "--quiet"]
    result = subprocess.run(command, cwd=PROJECT, env=env, capture_output=True, text=True)
    assert result.returncode == 0 and out.exists(), f"mf query failed:\n{result.stdout}\n{result.stderr}"
    return pd.read_csv(out)


@pytest.fixture(scope="module")
def semantic_manifest() -> Path:
    """`mf` reads target/semantic_manifest.json of the project folder: parse so it is current."""
    env = {**os.environ, "DBT_PROFILES_DIR": str(PROJECT), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    subprocess.run([str(Path(sys.executable).with_name("dbt")), "parse", "--quiet"],
                   cwd=PROJECT, env=env, check=True, capture_output=True)
    return PROJECT / "target" / "semantic_manifest.json"


@pytest.fixture(scope="module")
def monthly(semantic_manifest: Path, built_from_csv: Path, tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    frame = mf_query(built_from_csv, list(METRIC_MARTS), "metric_time__month",
                     tmp_path_factory.mktemp("mf") / "monthly.csv")
    frame["month"] = pd.to_datetime(frame["metric_time__month"]).dt.date
    return frame.set_index("month")


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


@pytest.mark.parametrize("metric", list(METRIC_MARTS))
def test_metric_by_month_equals_mart(metric: str, monthly: pd.DataFrame, built_from_csv: Path) -> None:
    mart, column = METRIC_MARTS[metric]
    expected = read_table(built_from_csv, f"marts.{mart}")[["month", column]]
    assert expected[column].notna().sum() >= 6, f"{mart}.{column} has too few months to compare"
    compared = 0
    for month, value in zip(expected["month"], expected[column], strict=True):
        month = pd.Timestamp(month).date()
        actual = monthly[metric].get(month) if month in monthly.index else None
        if _missing(value):
            # No denominator that month: the mart holds NULL and MetricFlow has no row or NULL.
            assert _missing(actual), f"{metric} {month}: mart NULL, mf {actual}"
            continue
        assert actual is not None and not _missing(actual), f"{metric} {month}: mf has no value"
        assert math.isclose(actual, value, rel_tol=1e-9, abs_tol=1e-9), \
            f"{metric} {month}: mf {actual} != {mart}.{column} {value}"
        compared += 1
    # and MetricFlow has no month with a value that the mart lacks
    extra = set(monthly.index[monthly[metric].notna()]) - {pd.Timestamp(m).date() for m in expected["month"]}
    assert not extra, f"{metric}: months in mf but not in {mart}: {sorted(extra)}"
    assert compared >= 6


def test_ratio_metric_reaggregates_from_rows(
    semantic_manifest: Path, built_from_csv: Path, tmp_path: Path
) -> None:
    """A quarter's FCR is eligible-weighted (sum of FCR contacts / sum of eligible), not a mean of months."""
    quarterly = mf_query(built_from_csv, ["fcr_rate"], "metric_time__quarter", tmp_path / "q.csv")
    fcr = read_table(built_from_csv, "marts.kpi_fcr_monthly")
    fcr["quarter"] = pd.to_datetime(fcr["month"]).dt.to_period("Q").dt.start_time.dt.date
    sums = fcr.groupby("quarter")[["fcr_contacts", "eligible_contacts"]].sum()
    quarterly["quarter"] = pd.to_datetime(quarterly["metric_time__quarter"]).dt.date
    checked = 0
    for quarter, value in zip(quarterly["quarter"], quarterly["fcr_rate"], strict=True):
        row = sums.loc[quarter]
        if row["eligible_contacts"] == 0:
            continue
        assert math.isclose(value, 100 * row["fcr_contacts"] / row["eligible_contacts"], rel_tol=1e-9)
        checked += 1
    assert checked >= 3
