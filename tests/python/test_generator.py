"""The raw data generator: deterministic, contract-shaped, and carrying the SPEC B defects."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cs_kpi.datagen.build import generate
from cs_kpi.datagen.writer import write_tables
from cs_kpi.raw_schema import RAW_TABLES


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return generate(scale=0.3, seed=11)


def test_same_seed_same_data(tables: dict[str, pd.DataFrame]) -> None:
    again = generate(scale=0.3, seed=11)
    for name, frame in tables.items():
        pd.testing.assert_frame_equal(frame, again[name])


def test_other_seed_other_data(tables: dict[str, pd.DataFrame]) -> None:
    other = generate(scale=0.3, seed=12)
    assert not tables["tickets"].equals(other["tickets"])


def test_columns_follow_the_contract(tables: dict[str, pd.DataFrame]) -> None:
    assert set(tables) == {t.name for t in RAW_TABLES}
    for table in RAW_TABLES:
        frame = tables[table.name]
        assert list(frame.columns) == list(table.columns)
        assert all(frame[c].map(type).eq(str).all() for c in frame.columns), table.name


def test_scale_grows_rows() -> None:
    small, large = generate(0.2, 1), generate(0.6, 1)
    assert len(large["tickets"]) > 2.5 * len(small["tickets"])


def test_defects_of_spec_part_b_are_present(tables: dict[str, pd.DataFrame]) -> None:
    tickets = tables["tickets"]
    created = tickets["created_at"]
    assert created.isin(["2026/03/04", "04.03.2026", "now", "infinity", "2026-03-04"]).any() or \
        created.str.contains("/|now|infinity", regex=True).any()
    assert created.str.contains(r"[+-]\d\d:\d\d$", regex=True).any()  # offsets
    assert created.str.contains(r"^\d{4}-\d\d-\d\d \d", regex=True).any()  # space, no offset
    assert created.str.contains(r"\.\d+Z$", regex=True).any()  # fractional seconds
    assert tickets["status"].str.contains(r"^\s|\s$|[A-Z]", regex=True).any()  # case, spaces
    assert tickets.duplicated(subset=["ticket_id"], keep=False).any()  # versions
    assert tables["calls"].duplicated(keep=False).any()  # exact duplicates
    assert (tickets["ticket_id"] == "").any()  # empty key
    assert tables["surveys"]["nps_score"].isin(["11", "-1"]).any()
    assert tables["order_items"]["order_id"].str.startswith("O_MISSING").any()
    comments = tables["surveys"]["comment"]
    assert comments.str.contains('"').any() and comments.str.contains("\n").any()
    assert comments.str.contains(",").any() and comments.map(lambda s: not s.isascii()).any()


def test_csv_round_trip_keeps_free_text(tables: dict[str, pd.DataFrame], tmp_path: Path) -> None:
    write_tables({"surveys": tables["surveys"]}, tmp_path, ["csv"])
    back = pd.read_csv(tmp_path / "raw_surveys.csv", dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(back, tables["surveys"])
