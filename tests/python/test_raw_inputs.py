"""raw_path / raw_format: Parquet equals CSV, and hostile CSVs land in rejects, never crash."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import dbt, read_table

KPI_MARTS = [
    "kpi_nps_monthly", "kpi_csat_monthly", "kpi_fcr_monthly", "kpi_repeat_visits_monthly",
    "kpi_churn_monthly", "kpi_repeat_sales_monthly", "kpi_cross_sell_upsell_monthly",
    "kpi_ticket_ops_daily", "kpi_call_ops_daily", "kpi_agent_scorecard_monthly",
    "kpi_executive_summary_monthly", "kpi_support_impact_monthly", "kpi_ticket_volume_monthly",
]


def test_parquet_input_builds_the_same_marts(
    generated_raw: Path, built_from_csv: Path, tmp_path: Path
) -> None:
    database = tmp_path / "parquet.duckdb"
    dbt(["run"], database, raw_dir=generated_raw, raw_format="parquet")
    for mart in KPI_MARTS:
        from_csv = read_table(built_from_csv, f"marts.{mart}")
        from_parquet = read_table(database, f"marts.{mart}")
        keys = list(from_csv.columns)
        pd.testing.assert_frame_equal(
            from_csv.sort_values(keys).reset_index(drop=True),
            from_parquet.sort_values(keys).reset_index(drop=True),
            check_exact=False, rtol=1e-12, obj=mart,
        )


# Rows with defects the seeds do not have, keyed by the reason they must be rejected with.
HOSTILE_ROWS = {
    "tickets": [
        ({"ticket_id": "BAD-T1", "status": "solved", "created_at": "2026-03-04T10:15:00+25:00",
          "resolved_at": "2026-03-05T00:00:00Z", "updated_at": "2026-03-05T00:00:00Z"},
         "unparseable_timestamp:created_at"),
        ({"ticket_id": "BAD-T2", "status": "open", "created_at": "2026-03-04T10:15:00Z",
          "agent_replies": "99999999999999999999", "updated_at": "2026-03-05T00:00:00Z"},
         "unparseable_integer:agent_replies"),
        ({"ticket_id": "BAD-T3", "status": "open", "created_at": "2026-03-04T10:15:00Z",
          "updated_at": "NULL"}, "unparseable_timestamp:updated_at"),
        ({"ticket_id": 'BAD-T4 "quoted",\nnewline', "status": "open",
          "created_at": "2026-03-04T10:15:00Z", "priority": "p1",
          "updated_at": "2026-03-05T00:00:00Z"}, "invalid_value:priority"),
    ],
    "calls": [
        ({"call_id": "BAD-K1", "direction": "inbound", "started_at": "2026-03-04 10:00:00",
          "ended_at": "2026-03-04 10:00:00", "quality_score": "80.5"},
         "unparseable_integer:quality_score"),
        ({"call_id": "BAD-K2", "direction": "inbound", "started_at": "0000-01-01T00:00:00Z",
          "ended_at": "2026-03-04 10:00:00"}, "unparseable_timestamp:started_at"),
    ],
    "surveys": [
        ({"response_id": "BAD-R1", "submitted_at": "2026-03-04T10:00:00Z", "nps_score": "١٠"},
         "unparseable_integer:nps_score"),
    ],
    "customers": [
        ({"customer_id": "BAD-C1", "signup_at": "2026-03-04", "updated_at": "2026-03-05T00:00:00Z"},
         "unparseable_timestamp:signup_at"),
    ],
    "orders": [
        ({"order_id": "BAD-O1", "customer_id": "C0000001", "ordered_at": "2026-03-04T10:00:00Z",
          "status": "shipped", "updated_at": "2026-03-05T00:00:00Z"}, "invalid_value:status"),
    ],
    "order_items": [
        ({"order_id": "BAD-O1", "line_number": "1", "product_id": "P0001", "quantity": "1",
          "unit_price": "1e3"}, "unparseable_decimal:unit_price"),
        ({"order_id": "BAD-O1", "line_number": "2", "product_id": "P0001", "quantity": "1",
          "unit_price": "10"}, "order_rejected"),
    ],
    "agent_shifts": [
        ({"shift_id": "BAD-S1", "agent_id": "A0001", "shift_start": "2026-03-04T10:00:00+02:00",
          "shift_end": "2026-03-04T08:00:00Z"}, "shift_end_not_after_start"),
    ],
    "products": [
        ({"product_id": "BAD-P1", "product_line": "audio", "tier": "4"}, "out_of_range:tier"),
    ],
    "agents": [
        ({"agent_id": "BAD-A1", "hourly_cost": "€20"}, "unparseable_decimal:hourly_cost"),
    ],
}


@pytest.fixture(scope="module")
def hostile_raw(generated_raw: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generated CSVs, with columns in another order and the rows above appended, and
    without the optional raw_ticket_status_changes (SPEC E: not supplied)."""
    out = tmp_path_factory.mktemp("hostile")
    for source in generated_raw.glob("raw_*.csv"):
        name = source.stem.removeprefix("raw_")
        if name == "ticket_status_changes":
            continue
        frame = pd.read_csv(source, dtype=str, keep_default_na=False)
        extra = pd.DataFrame([row for row, _ in HOSTILE_ROWS.get(name, [])],
                             columns=frame.columns, dtype=object).fillna("")
        frame = pd.concat([frame, extra], ignore_index=True)
        frame = frame[list(reversed(frame.columns))]  # column order is not guaranteed
        frame.to_csv(out / source.name, index=False, quoting=csv.QUOTE_MINIMAL)
    shutil.copy(generated_raw / "raw_products.csv", out / "raw_products_unused.csv")
    return out


@pytest.fixture(scope="module")
def hostile_build(hostile_raw: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    database = tmp_path_factory.mktemp("hostile_build") / "warehouse.duckdb"
    result = dbt(["build"], database, raw_dir=hostile_raw,
                 check=False)
    assert result.returncode == 0, result.stdout[-6000:]
    (database.parent / "build.log").write_text(result.stdout, encoding="utf-8")
    return database


def test_absent_status_history_gives_empty_lifecycle_marts_and_a_line(hostile_build: Path) -> None:
    """SPEC E: without raw_ticket_status_changes the build says so, the lifecycle is empty and
    every other mart is built as before."""
    printed = (hostile_build.parent / "build.log").read_text(encoding="utf-8")
    assert "raw_ticket_status_changes not supplied (optional, SPEC part E)" in printed
    for relation in ("marts.fct_ticket_lifecycle", "marts.kpi_ticket_lifecycle_monthly",
                     "marts.kpi_ticket_backlog_daily"):
        assert len(read_table(hostile_build, relation)) == 0, relation
    counts = read_table(hostile_build, "staging.stg_audit__row_counts").set_index("raw_table")
    assert counts.loc["ticket_status_changes", "raw_rows"] == 0
    assert len(read_table(hostile_build, "marts.kpi_sla_monthly")) > 0


def test_hostile_rows_are_rejected_with_their_reason(hostile_build: Path) -> None:
    rejects = read_table(hostile_build, "staging.stg_audit__rejected_rows")
    found = dict(zip(rejects["record_key"], rejects["reject_reason"], strict=True))
    for table, rows in HOSTILE_ROWS.items():
        for row, reason in rows:
            key = next(iter(row.values())).strip()
            if table == "order_items":
                key = f"{row['order_id']}#{row['line_number']}"
            assert found.get(key) == reason, (table, key, found.get(key))


def test_hostile_build_still_reconciles(hostile_build: Path) -> None:
    counts = read_table(hostile_build, "staging.stg_audit__row_counts")
    assert counts["is_reconciled"].all()
    assert (counts["raw_rows"] == counts["valid_rows"] + counts["superseded_rows"]
            + counts["duplicate_rows"] + counts["rejected_rows"]).all()


def test_missing_raw_file_is_a_clear_error(tmp_path: Path) -> None:
    result = dbt(["run", "--select", "base_helpdesk__tickets+1"], tmp_path / "w.duckdb",
                 raw_dir=tmp_path / "nowhere", check=False)
    assert result.returncode != 0
    assert "raw_tickets.csv" in result.stdout
