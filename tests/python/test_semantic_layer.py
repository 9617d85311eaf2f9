"""The MetricFlow metrics (models/marts/_metrics.yml) give the KPI marts' figures by month.

`mf query` runs against a warehouse built from generated data (not the seeds), through the
same profile BI users would use, and every metric is compared month by month with the mart
column it claims to equal.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import PROJECT, read_table

from cs_kpi.publish import PUBLISHED_DATABASE, publish

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
    **{metric: ("kpi_ticket_lifecycle_monthly", metric) for metric in (
        "reopen_rate", "one_touch_rate", "avg_first_resolution_minutes",
        "avg_full_resolution_minutes", "avg_requester_wait_business_minutes",
        "avg_agent_work_business_minutes", "avg_agent_wait_business_minutes",
        "avg_on_hold_business_minutes")},
}

# count metrics -> (mart, column) they equal at the month grain (a month without rows is 0)
COUNT_MARTS: dict[str, tuple[str, str]] = {
    "nps_responses": ("kpi_nps_monthly", "responses"),
    "promoters": ("kpi_nps_monthly", "promoters"),
    "detractors": ("kpi_nps_monthly", "detractors"),
    "csat_responses": ("kpi_csat_monthly", "csat_responses"),
    "fcr_eligible_contacts": ("kpi_fcr_monthly", "eligible_contacts"),
    "fcr_contacts": ("kpi_fcr_monthly", "fcr_contacts"),
    "contacts_with_customer": ("kpi_repeat_visits_monthly", "contacts"),
    "repeat_contacts": ("kpi_repeat_visits_monthly", "repeat_contacts"),
    "active_customers_start": ("kpi_churn_monthly", "active_customers_start"),
    "churned_customers": ("kpi_churn_monthly", "churned_customers"),
    "completed_orders": ("kpi_repeat_sales_monthly", "orders"),
    "repeat_orders": ("kpi_repeat_sales_monthly", "repeat_orders"),
    "completed_revenue": ("kpi_repeat_sales_monthly", "revenue"),
    "repeat_ordering_customers": ("kpi_cross_sell_upsell_monthly", "repeat_customers"),
    "cross_sell_customers": ("kpi_cross_sell_upsell_monthly", "cross_sell_customers"),
    "upsell_customers": ("kpi_cross_sell_upsell_monthly", "upsell_customers"),
    "tickets_created": ("kpi_executive_summary_monthly", "tickets_created"),
    "inbound_calls": ("kpi_executive_summary_monthly", "inbound_calls"),
    "first_response_achieved": ("kpi_sla_monthly", "first_response_achieved"),
    "first_response_breached": ("kpi_sla_monthly", "first_response_breached"),
    "resolution_achieved": ("kpi_sla_monthly", "resolution_achieved"),
    "resolution_breached": ("kpi_sla_monthly", "resolution_breached"),
    "tickets_with_history": ("kpi_ticket_lifecycle_monthly", "tickets_with_history"),
    "lifecycle_resolved_tickets": ("kpi_ticket_lifecycle_monthly", "resolved_tickets"),
    "tickets_with_resolution": ("kpi_ticket_lifecycle_monthly", "tickets_with_resolution"),
    "reopened_tickets": ("kpi_ticket_lifecycle_monthly", "reopened_tickets"),
    "one_touch_tickets": ("kpi_ticket_lifecycle_monthly", "one_touch_tickets"),
}
# counts with no monthly mart column of their own (each is the numerator of a KPI above)
OTHER_COUNTS = {"satisfied_csat_responses", "calls_within_service_level", "answered_inbound_calls"}


def mf_query(database: Path, metrics: list[str] | None, group_by: str | None, out: Path,
             saved_query: str | None = None, published: Path | None = None) -> pd.DataFrame:
    """Run `mf query` against `database` (the dbt target of that build) and read its CSV; with
    `published`, against that published file through the profile's target `published`."""
    env = {
        **os.environ,
        "CS_KPI_DUCKDB_PATH": str(database),
        "CS_KPI_TEMP_DIR": str(database.parent / "tmp"),
        "DBT_PROFILES_DIR": str(PROJECT),
        "DBT_TARGET_PATH": str(database.parent / "target"),
        "DBT_LOG_PATH": str(database.parent / "logs"),
    }
    if published is not None:
        env.update(CS_KPI_TARGET="published", CS_KPI_PUBLISHED_DUCKDB=str(published))
    if saved_query:
        command = [MF, "query", "--saved-query", saved_query, "--csv", str(out), "--quiet"]
    else:
        command = [MF, "query", "--metrics", ",".join(metrics or []), "--group-by", str(group_by),
                   "--order", str(group_by), "--csv", str(out), "--quiet"]
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


@pytest.fixture(scope="module")
def monthly_counts(semantic_manifest: Path, built_from_csv: Path,
                   tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    frame = mf_query(built_from_csv, list(COUNT_MARTS), "metric_time__month",
                     tmp_path_factory.mktemp("mf") / "counts.csv")
    frame["month"] = pd.to_datetime(frame["metric_time__month"]).dt.date
    return frame.set_index("month")


@pytest.mark.parametrize("metric", list(COUNT_MARTS))
def test_count_metric_by_month_equals_mart(metric: str, monthly_counts: pd.DataFrame, built_from_csv: Path) -> None:
    mart, column = COUNT_MARTS[metric]
    expected = read_table(built_from_csv, f"marts.{mart}")[["month", column]]
    assert expected[column].fillna(0).sum() > 0, f"{mart}.{column} is all zero: nothing compared"
    for month, value in zip(expected["month"], expected[column].fillna(0), strict=True):
        month = pd.Timestamp(month).date()
        actual = monthly_counts[metric].get(month) if month in monthly_counts.index else None
        actual = 0 if _missing(actual) else actual
        assert math.isclose(actual, value, rel_tol=1e-9, abs_tol=1e-6), \
            f"{metric} {month}: mf {actual} != {mart}.{column} {value}"


def test_metrics_are_kpis_or_counts_only(semantic_manifest: Path) -> None:
    """No helper measure is a metric of its own: every metric is a headline KPI or a count."""
    metrics = {m["name"] for m in json.loads(semantic_manifest.read_text())["metrics"]}
    assert metrics == set(METRIC_MARTS) | set(COUNT_MARTS) | OTHER_COUNTS


def test_fcr_by_agent_team_equals_the_scorecard(semantic_manifest: Path, built_from_csv: Path,
                                                 tmp_path: Path) -> None:
    """The agents semantic model joins contacts to dim_agents: FCR by team and month equals the
    agent scorecard's counts summed by team (the saved query fcr_by_team_monthly)."""
    frame = mf_query(built_from_csv, None, None, tmp_path / "team.csv", saved_query="fcr_by_team_monthly")
    frame = frame[frame["agent__team"].notna()]
    frame["month"] = pd.to_datetime(frame["metric_time__month"]).dt.date
    scorecard = read_table(built_from_csv, "marts.kpi_agent_scorecard_monthly")
    scorecard = scorecard[scorecard["team"].notna()]
    scorecard["month"] = pd.to_datetime(scorecard["month"]).dt.date
    sums = scorecard.groupby(["month", "team"])[["fcr_contacts", "fcr_eligible_contacts"]].sum()
    sums = sums[sums["fcr_eligible_contacts"] > 0]
    got = frame.set_index(["month", "agent__team"])
    assert len(sums) >= 6 and len(got) == len(sums)
    for (month, team), row in sums.iterrows():
        mf_row = got.loc[(month, team)]
        assert mf_row["fcr_eligible_contacts"] == row["fcr_eligible_contacts"]
        assert math.isclose(mf_row["fcr_rate"], 100 * row["fcr_contacts"] / row["fcr_eligible_contacts"],
                            rel_tol=1e-9), f"{month} {team}"


def test_csat_by_agent_team_equals_the_scorecard(semantic_manifest: Path, built_from_csv: Path,
                                                 tmp_path: Path) -> None:
    """The support lead's first question: csat_pct by the agent's team (surveys carry their
    agent, fct_survey_responses.agent_id) equals the scorecard's CSAT counts summed by team."""
    frame = mf_query(built_from_csv, None, None, tmp_path / "csat.csv", saved_query="csat_by_team_monthly")
    frame = frame[frame["agent__team"].notna()]
    frame["month"] = pd.to_datetime(frame["metric_time__month"]).dt.date
    scorecard = read_table(built_from_csv, "marts.kpi_agent_scorecard_monthly")
    scorecard = scorecard[scorecard["team"].notna()]
    scorecard["month"] = pd.to_datetime(scorecard["month"]).dt.date
    sums = scorecard.groupby(["month", "team"])[["csat_responses"]].sum()
    sums = sums[sums["csat_responses"] > 0]
    got = frame[frame["csat_responses"] > 0].set_index(["month", "agent__team"])
    assert len(sums) >= 6 and len(got) == len(sums)
    for (month, team), row in sums.iterrows():
        assert got.loc[(month, team)]["csat_responses"] == row["csat_responses"], f"{month} {team}"


def test_saved_query_gives_the_headline_kpis(semantic_manifest: Path, monthly: pd.DataFrame,
                                             built_from_csv: Path, tmp_path: Path) -> None:
    saved = mf_query(built_from_csv, None, None, tmp_path / "saved.csv",
                     saved_query="support_headline_kpis_monthly")
    saved["month"] = pd.to_datetime(saved["metric_time__month"]).dt.date
    saved = saved.set_index("month").sort_index()
    for metric in ("nps", "fcr_rate", "service_level_pct", "first_response_sla_pct"):
        pd.testing.assert_series_equal(saved[metric], monthly[metric].reindex(saved.index),
                                       check_names=False, rtol=1e-9)


def test_mf_answers_from_the_published_warehouse(semantic_manifest: Path, built_from_csv: Path,
                                                 tmp_path: Path) -> None:
    """`CS_KPI_TARGET=published mf query ...` reads the published copy: it answers with the
    working warehouse moved away."""
    publish(built_from_csv, tmp_path / "published", require_gate=False)
    published = tmp_path / "published" / PUBLISHED_DATABASE
    away = tmp_path / "not-the-warehouse.duckdb"
    frame = mf_query(away, ["fcr_rate"], "metric_time__month", tmp_path / "pub.csv", published=published)
    fcr = read_table(built_from_csv, "marts.kpi_fcr_monthly").dropna(subset=["fcr_rate"])
    frame["month"] = pd.to_datetime(frame["metric_time__month"]).dt.date
    got = frame.set_index("month")["fcr_rate"]
    assert len(fcr) >= 6
    for month, value in zip(fcr["month"], fcr["fcr_rate"], strict=True):
        assert math.isclose(got[pd.Timestamp(month).date()], value, rel_tol=1e-9)
    assert not away.exists()
