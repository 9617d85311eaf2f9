"""Great Expectations Data Docs work offline: the index lists every validation in headless
Chromium with every network request refused."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import PROJECT

from cs_kpi.quality.gate import AssetSpec, run_gate
from cs_kpi.quality.offline_docs import make_offline, remote_loads

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOT = PROJECT / "warehouse" / "screenshots" / "data_docs.png"
BETWEEN = {"type": "expect_column_values_to_be_between",
           "kwargs": {"column": "rate", "min_value": 0, "max_value": 100}}


@pytest.fixture(scope="module")
def docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Data Docs of a three-suite gate (one failing), made offline."""
    root = tmp_path_factory.mktemp("data_docs")
    database = root / "docs.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute("create schema marts")
        for name, values in (("good", "(1.0), (99.5)"), ("also_good", "(50.0)"), ("bad", "(1.0), (150.0)")):
            con.execute(f"create table marts.{name} as select * from (values {values}) as t(rate)")
    specs = [AssetSpec("marts", name, f"select * from marts.{name}", [BETWEEN])
             for name in ("good", "also_good", "bad")]
    docs_dir = root / "site"
    run_gate(database, specs, docs_dir)
    line = make_offline(docs_dir)
    assert "pages made offline" in line and "left" not in line, line
    return docs_dir


def test_no_page_loads_anything_from_the_network(docs: Path) -> None:
    assert remote_loads(docs) == []
    assert (docs / "static" / "vendor" / "jquery" / "dist" / "jquery.min.js").exists()


@pytest.mark.skipif(CHROMIUM is None and os.environ.get("CI") != "true",
                    reason="Debian's chromium is not installed (make test installs it in CI)")
def test_index_lists_the_validations_offline(docs: Path) -> None:
    from playwright.sync_api import sync_playwright

    assert CHROMIUM, "chromium must be installed in CI (make browser)"
    problems: list[str] = []
    refused: list[str] = []

    def only_files(route) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
        ])
        page = browser.new_page(viewport={"width": 1300, "height": 700})
        page.on("console", lambda m: problems.append(f"console.{m.type}: {m.text}")
                if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.route("**/*", only_files)
        page.goto((docs / "index.html").resolve().as_uri())
        page.wait_for_selector("#section-1-content-block-2-1-body-table tbody tr td", timeout=15_000)
        assets = page.eval_on_selector_all(
            "#section-1-content-block-2-1-body-table tbody tr",
            "rows => rows.map(r => r.innerText)")
        icons = page.evaluate("""async () => { await document.fonts.ready;
            return [...document.fonts].filter(f => f.family.includes('Font Awesome')
                                                   && f.status === 'loaded').length; }""")
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT), full_page=False)
        browser.close()

    assert not problems, problems
    assert not refused, f"the pages asked the network for {refused}"
    listed = sorted(name for name in ("marts.good", "marts.also_good", "marts.bad")
                    if any(name in row for row in assets))
    assert len(assets) == 3 and listed == ["marts.also_good", "marts.bad", "marts.good"], assets
    assert icons, "Font Awesome (status icons) did not load"
