"""One rule, one place: every KPI column names the column that holds its rule, and each rule's
expression is written in exactly one model."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from conftest import DBT, PROJECT

NUMERIC = {"bigint", "integer", "float8", "double", "numeric"}

# rule -> the one model (path under models/) allowed to spell it out
RULE_HOMES: dict[str, tuple[str, str]] = {
    "NPS promoter threshold": (r"nps_score\s*>=\s*9", "marts/core/fct_survey_responses.sql"),
    "NPS passive threshold": (r"nps_score\s*>=\s*7", "marts/core/fct_survey_responses.sql"),
    "CSAT satisfied threshold": (r"csat_score\s*>=\s*4", "marts/core/fct_survey_responses.sql"),
    "CSAT negative threshold": (r"csat_score\s*<=\s*2", "marts/core/fct_survey_responses.sql"),
    "handle time": (r"talk_seconds\s*\+\s*hold_seconds\s*\+\s*wrap_seconds", "staging/phone/stg_phone__calls.sql"),
    "line revenue": (r"quantity\s*\*\s*(items\.)?unit_price", "staging/shop/stg_shop__order_items.sql"),
    "labour cost": (r"hourly_cost\s*(\*|/)|(\*|/)\s*(agents\.)?hourly_cost", "marts/core/fct_agent_shifts.sql"),
    "active from the month after signup": (r"next_month_start\([^)]*signup_at", "marts/core/dim_customers.sql"),
    "items x orders x products": (r"inner join products", "intermediate/sales/int_order_items_joined.sql"),
}


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> dict:
    target = tmp_path_factory.mktemp("parse")
    result = subprocess.run(
        [DBT, "parse", "--no-partial-parse", "--target-path", str(target)], cwd=PROJECT,
        capture_output=True, text=True,
        env={"PATH": str(Path(DBT).parent), "DBT_PROFILES_DIR": str(PROJECT), "HOME": str(target),
             "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DBT_LOG_PATH": str(target / "logs"),
             "CS_KPI_DUCKDB_PATH": str(target / "parse.duckdb")},
    )
    assert result.returncode == 0, result.stdout[-3000:]
    return json.loads((target / "manifest.json").read_text())


def _models(manifest: dict) -> dict[str, dict]:
    return {n["name"]: n for n in manifest["nodes"].values() if n["resource_type"] == "model"}


def test_every_kpi_figure_names_the_column_that_holds_its_rule(manifest: dict) -> None:
    models = _models(manifest)
    missing, dangling = [], []
    for name, node in models.items():
        if not name.startswith("kpi_"):
            continue
        for column, spec in node["columns"].items():
            rule = spec.get("meta", {}).get("rule") or spec.get("config", {}).get("meta", {}).get("rule")
            if rule is None:
                if (spec.get("data_type") or "").lower() in NUMERIC:
                    missing.append(f"{name}.{column}")
                continue
            home_model, _, home_column = rule.partition(".")
            home = models.get(home_model)
            if home is None or home_column not in home["columns"] or not home["columns"][home_column]["description"]:
                dangling.append(f"{name}.{column} -> {rule}")
    assert not missing, f"KPI columns without meta.rule: {missing}"
    assert not dangling, f"rules that name no documented column: {dangling}"


@pytest.mark.parametrize("rule", list(RULE_HOMES))
def test_each_rule_is_written_in_one_model(rule: str) -> None:
    pattern, home = RULE_HOMES[rule]
    written_in = sorted(
        str(path.relative_to(PROJECT / "models"))
        for path in (PROJECT / "models").rglob("*.sql")
        if re.search(pattern, path.read_text())
    )
    assert written_in == [home], f"{rule}: written in {written_in}, expected only in {home}"
