"""The static dashboard: its data are the published marts, and it renders in headless Chromium
with every chart present, no console error and no network request."""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import PROJECT

from cs_kpi.dashboard.build import CARDS, build, load, report_month
from cs_kpi.publish import publish

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOT = PROJECT / "warehouse" / "screenshots" / "dashboard.png"
CHARTS = ["chart-nps-split", "chart-fcr-repeat", "chart-churn", "chart-retention", "chart-sales",
          "chart-tickets-daily", "chart-backlog-daily", "chart-calls-daily",
          "chart-service-level-daily", "chart-sla-monthly", "chart-sla-priority",
          "chart-impact-nps", "chart-impact-fcr", "chart-lifecycle-rates", "chart-lifecycle-waits",
          "chart-backlog-age"]


@pytest.fixture(scope="module")
def published(built_from_csv: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("dashboard")
    database = folder / "work" / "cs_kpi.duckdb"
    database.parent.mkdir()
    shutil.copy(built_from_csv, database)
    # The gate's part in publishing is tested in test_publish.py.
    publish(database, folder / "published", require_gate=False)
    return folder / "published"


def _close(a: object, b: object) -> bool:
    if a is None or b is None or (isinstance(b, float) and math.isnan(b)):
        return a is None and (b is None or (isinstance(b, float) and math.isnan(b)))
    return math.isclose(float(a), float(b), rel_tol=1e-12, abs_tol=1e-12)


def test_report_month_is_the_last_complete_month() -> None:
    assert report_month(dt.date(2026, 9, 30)) == dt.date(2026, 9, 1)
    assert report_month(dt.date(2026, 10, 1)) == dt.date(2026, 9, 1)
    assert report_month(dt.date(2024, 2, 29)) == dt.date(2024, 2, 1)
    assert report_month(dt.date(2024, 2, 28)) == dt.date(2024, 1, 1)


def test_dashboard_data_are_the_published_marts(published: Path) -> None:
    data = load(published / "cs_kpi_bi.duckdb")
    report = dt.date.fromisoformat(data["report_month"])
    with duckdb.connect(str(published / "cs_kpi_bi.duckdb"), read_only=True) as con:
        nps = con.execute("select month, promoter_pct, passive_pct, detractor_pct, nps "
                          "from marts.kpi_nps_monthly where month <= ? order by month",
                          [report]).fetchall()
        cursor = con.execute("select * from marts.kpi_executive_summary_monthly where month <= ? "
                             "order by month", [report])
        names = [d[0] for d in cursor.description]
        summary = {name: list(values) for name, values in zip(names, zip(*cursor.fetchall(), strict=True), strict=True)}
        agents = con.execute("select count(*) from marts.kpi_agent_scorecard_monthly where month = ?",
                             [dt.date.fromisoformat(data["report_month"])]).fetchall()[0][0]
    assert [r["month"] for r in data["nps_monthly"]] == [m.isoformat() for m, *_ in nps]
    for row, (_, promoter, passive, detractor, score) in zip(data["nps_monthly"], nps, strict=True):
        assert _close(row["promoter_pct"], promoter) and _close(row["passive_pct"], passive)
        assert _close(row["detractor_pct"], detractor) and _close(row["nps"], score)
    assert len(data["executive_summary"]) == len(summary["month"])
    for key, *_ in CARDS:
        for row, expected in zip(data["executive_summary"], summary[key], strict=True):
            assert _close(row[key], expected), (key, row["month"], row[key], expected)
    assert len(data["agent_scorecard"]) == agents > 0
    assert {r["segment_type"] for r in data["support_impact"]} == {"latest_nps_category", "last_contact_fcr"}
    with duckdb.connect(str(published / "cs_kpi_bi.duckdb"), read_only=True) as con:
        lifecycle = con.execute("select month, reopen_rate from marts.kpi_ticket_lifecycle_monthly "
                                "where month <= ? order by month", [report]).fetchall()
        as_of = con.execute("select as_of_at from marts.dim_ticket_as_of").fetchall()[0][0]
    assert [(r["month"], r["reopen_rate"]) for r in data["lifecycle_monthly"]] == [
        (m.isoformat(), rate) for m, rate in lifecycle] and lifecycle
    assert data["sla_as_of"] == str(as_of)


def test_charts_end_where_the_data_end(published: Path) -> None:
    """Monthly charts stop at the report month (no partial month, no churn of 0 % after the
    data end); both daily charts cover the same days, up to the latest contact."""
    data = load(published / "cs_kpi_bi.duckdb")
    with duckdb.connect(str(published / "cs_kpi_bi.duckdb"), read_only=True) as con:
        later_churn = con.execute("select count(*) from marts.kpi_churn_monthly where month > ?",
                                  [dt.date.fromisoformat(data["report_month"])]).fetchall()[0][0]
    assert later_churn > 0, "the published churn mart runs past the report month (the case fixed)"
    for series in ("executive_summary", "nps_monthly", "fcr_repeat_monthly", "churn_monthly",
                   "sales_monthly", "sla_monthly", "lifecycle_monthly"):
        assert data[series][-1]["month"] == data["report_month"], series
    tickets = [r["day"] for r in data["ticket_ops_daily"]]
    calls = [r["day"] for r in data["call_ops_daily"]]
    backlog = [r["day"] for r in data["backlog_daily"]]
    assert tickets == calls == backlog and tickets[-1] == data["last_day"] and len(tickets) == 90
    assert data["daily_window"] == [tickets[0], tickets[-1]]
    cost = {c["key"]: c["label"] for c in data["cards"]}["cost_per_contact"]
    assert cost == "Cost per contact (USD)"  # dbt var cost_currency


@pytest.mark.skipif(CHROMIUM is None and os.environ.get("CI") != "true",
                    reason="Debian's chromium is not installed (make test installs it in CI)")
def test_dashboard_renders_in_headless_chromium(published: Path) -> None:
    from playwright.sync_api import sync_playwright

    assert CHROMIUM, "chromium must be installed in CI (make browser)"
    page_path = build(published)
    html = page_path.read_text()
    without_namespace = html.replace("http://www.w3.org/2000/svg", "")
    assert "http://" not in without_namespace and "https://" not in without_namespace
    assert "<script src" not in html and "<link" not in html, "everything must be inline"

    problems: list[str] = []
    requests: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
        ])
        page = browser.new_page(viewport={"width": 1300, "height": 900})
        page.on("console", lambda m: problems.append(f"console.{m.type}: {m.text}")
                if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.on("request", lambda r: requests.append(r.url))
        page.goto(page_path.as_uri())
        page.wait_for_selector("body[data-ready=true]", timeout=15_000)

        charts = page.eval_on_selector_all("figure.chart", """figures => figures.map(f => ({
            id: f.id, rendered: f.dataset.rendered, marks: Number(f.dataset.marks),
            title: f.querySelector('figcaption')?.textContent,
            unit: f.querySelector('svg .axis-label')?.textContent }))""")
        promoters = page.eval_on_selector_all(
            "#chart-nps-split .mark[data-series=promoter_pct]",
            "marks => marks.map(m => [m.dataset.x, Number(m.dataset.value)])")
        cards = page.eval_on_selector_all(".card", "cards => cards.map(c => c.dataset.key)")
        # The NPS figures above the bars and their legend swatch are one colour.
        nps_colours = page.evaluate("""() => {
            const swatch = document.querySelector('#chart-nps-split .legend span[data-series^="NPS"]');
            const number = document.querySelector('#chart-nps-split text[data-series=nps]');
            return [getComputedStyle(swatch, '::before').backgroundColor, getComputedStyle(number).fill];
        }""")
        agents = page.eval_on_selector_all("#scorecard tbody tr", "rows => rows.length")
        agent_cells = page.eval_on_selector_all(
            "#scorecard tbody td[data-key=agent_display_name]", "cells => cells.map(c => c.textContent)")
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT), full_page=True)
        browser.close()

    assert not problems, problems
    assert nps_colours[0] == nps_colours[1], nps_colours
    assert all(url.startswith("file://") for url in requests), requests
    assert sorted(c["id"] for c in charts) == sorted(CHARTS)
    for chart in charts:
        assert chart["rendered"] == "true" and chart["marks"] > 0, chart
        assert chart["title"] and chart["unit"], f"{chart['id']} needs a title and a unit label"
    assert cards == [key for key, *_ in CARDS]
    data = load(published / "cs_kpi_bi.duckdb")
    assert agents == len(data["agent_scorecard"])
    # agents appear by pseudonym ("<team> #NN"; "unknown agent" for an agent_id that is not a
    # valid agent), never by id alone or by name
    assert sorted(agent_cells) == sorted(r["agent_display_name"] for r in data["agent_scorecard"])
    assert all(re.fullmatch(r".+ #\d{2,}|unknown agent", cell) for cell in agent_cells), agent_cells
    assert sum(re.fullmatch(r".+ #\d{2,}", cell) is not None for cell in agent_cells) >= 3
    expected = {r["month"]: r["promoter_pct"] for r in data["nps_monthly"] if r["promoter_pct"] is not None}
    assert dict(promoters) == pytest.approx(expected, rel=1e-12)
    assert SCREENSHOT.stat().st_size > 20_000


def test_summary_headline_ends_at_the_report_month(built_from_csv: Path, published: Path) -> None:
    from cs_kpi.summary import summarise
    from cs_kpi.warehouse import Warehouse

    with Warehouse("duckdb", built_from_csv).connect() as con:
        text, reconciled = summarise(con)
    headline = text.split("Headline KPIs, latest three complete months")[1].splitlines()[3:]
    months = [line.split()[0] for line in headline if line.strip()]
    report = load(published / "cs_kpi_bi.duckdb")["report_month"][:7]
    assert reconciled and len(months) == 3 and months[0] == report, months
