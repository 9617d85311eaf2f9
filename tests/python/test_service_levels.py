"""SPEC D (and the lifecycle of SPEC E) against an independent Python reading, in several zones.

Business minutes are recomputed here with zoneinfo, interval by interval over local dates
(no cumulative clock, no SQL), and the SLA statuses and kpi_sla_monthly from them, for a
schedule with split shifts, a Saturday, holidays and a partial set of policies written over
the seeds of a copy of the project. Each zone is one build of the project on generated data.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from conftest import DBT, PROJECT, generate, read_table
from reference_kpis import load_valid
from reference_lifecycle import lifecycle_marts
from test_marts_match_reference import assert_same_rows

UTC = dt.UTC
HOURS = [(1, "08:00", "12:00"), (1, "13:00", "17:30"), (2, "08:00", "17:30"), (3, "08:00", "17:30"),
         (4, "08:00", "17:30"), (5, "08:00", "16:00"), (6, "10:00", "14:00")]
HOLIDAYS = ["2026-01-01", "2026-05-25", "2026-07-03", "2026-12-25"]
POLICIES = [("urgent", 30, 240, "false"), ("high", 120, 960, "true"), ("normal", 480, 2880, "true")]
ZONES = ["UTC", "America/New_York", "Asia/Kolkata", "Australia/Sydney"]


def _minutes(text: str) -> int:
    return int(text[:2]) * 60 + int(text[3:])


def business_seconds(t1: dt.datetime, t2: dt.datetime, zone: ZoneInfo) -> float:
    """Length of the parts of [t1, t2) inside open intervals, seconds (t1 <= t2, UTC)."""
    holidays = {dt.date.fromisoformat(d) for d in HOLIDAYS}
    day = t1.astimezone(zone).date() - dt.timedelta(days=1)
    last = t2.astimezone(zone).date() + dt.timedelta(days=1)
    total = 0.0
    while day <= last:
        if day not in holidays:
            for weekday, opens, closes in HOURS:
                if weekday != day.isoweekday():
                    continue
                midnight = dt.datetime.combine(day, dt.time())
                start = (midnight + dt.timedelta(minutes=_minutes(opens))).replace(tzinfo=zone)
                end = (midnight + dt.timedelta(minutes=_minutes(closes))).replace(tzinfo=zone)
                overlap = min(t2, end.astimezone(UTC)) - max(t1, start.astimezone(UTC))
                total += max(overlap.total_seconds(), 0.0)
        day += dt.timedelta(days=1)
    return total


def _status(present: bool, elapsed: float | None, elapsed_as_of: float, target: float,
            resolved: bool, elapsed_resolved: float | None = None) -> str:
    """SPEC D v2.1, in its order; elapsed_resolved is given for a first response only."""
    if present:
        return "achieved" if elapsed <= target else "breached"
    if resolved and elapsed_resolved is not None:
        return "breached" if elapsed_resolved > target else "not_applicable"
    return "breached" if elapsed_as_of > target else "pending"


def reference(tickets, zone_name: str):
    zone = ZoneInfo(zone_name)
    policies = {p: (fr * 60.0, res * 60.0, flag == "true") for p, fr, res, flag in POLICIES}
    as_of = max(max(t for t in (r["created_at"], r["first_response_at"], r["resolved_at"],
                                r["updated_at"]) if t is not None) for r in tickets)
    rows, months = {}, defaultdict(lambda: defaultdict(int))
    for r in tickets:
        created, responded, resolved = r["created_at"], r["first_response_at"], r["resolved_at"]
        is_resolved = r["status"] in ("solved", "closed")
        fr_business = business_seconds(created, responded, zone) if responded else None
        res_business = business_seconds(created, resolved, zone) if is_resolved else None
        policy = policies.get(r["priority"])
        fr_status = res_status = None
        if policy:
            fr_target, res_target, business = policy

            def elapsed(t, business=business, start=created):
                return business_seconds(start, t, zone) if business else (t - start).total_seconds()

            fr_status = _status(responded is not None, elapsed(responded) if responded else None,
                                elapsed(as_of), fr_target, is_resolved,
                                elapsed(resolved) if is_resolved else None)
            res_status = _status(is_resolved, elapsed(resolved) if is_resolved else None,
                                 elapsed(as_of), res_target, is_resolved)
        rows[r["ticket_id"]] = (fr_business, res_business, fr_status, res_status)
        month = created.astimezone(zone).date().replace(day=1)
        counts = months[month]
        counts["tickets"] += 1
        counts["tickets_with_target"] += policy is not None
        for kind, status in (("first_response", fr_status), ("resolution", res_status)):
            if status in ("achieved", "breached", "pending"):
                counts[f"{kind}_{status}"] += 1
    return rows, months


@pytest.fixture(scope="module")
def project_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project with another schedule, holidays and policies written over its seeds."""
    copy = tmp_path_factory.mktemp("project") / "cs_kpi"
    shutil.copytree(PROJECT, copy, ignore=shutil.ignore_patterns(
        ".venv", ".git", "warehouse", "target", "logs", "data", "bench_results", "expectations"))
    with open(copy / "seeds/business_hours.csv", "w", newline="") as handle:
        csv.writer(handle).writerows([("weekday", "opens_at", "closes_at"), *HOURS])
    with open(copy / "seeds/holidays.csv", "w", newline="") as handle:
        csv.writer(handle).writerows([("holiday_date", "name"), *[(d, "holiday") for d in HOLIDAYS]])
    with open(copy / "seeds/sla_policies.csv", "w", newline="") as handle:
        csv.writer(handle).writerows([("priority", "first_response_target_minutes",
                                       "resolution_target_minutes", "business_hours"), *POLICIES])
    return copy


@pytest.fixture(scope="module")
def sla_raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("sla_raw"), scale=0.3, seed=4242)


def _build(project: Path, raw: Path, zone: str, workdir: Path) -> Path:
    database = workdir / "w.duckdb"
    env = {**os.environ, "CS_KPI_DUCKDB_PATH": str(database), "CS_KPI_TEMP_DIR": str(workdir / "tmp"),
           "DBT_PROFILES_DIR": str(project), "DBT_TARGET_PATH": str(workdir / "target"),
           "DBT_LOG_PATH": str(workdir / "logs"), "PYTHONPATH": str(project)}
    command = [DBT, "build", "--select", "+kpi_sla_monthly", "+kpi_ticket_lifecycle_monthly",
               "+kpi_ticket_backlog_daily", "--exclude", "resource_type:test",
               "resource_type:unit_test", "--vars",
               f'{{"raw_path": "{raw}", "reporting_timezone": "{zone}"}}']
    result = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-4000:]
    return database


@pytest.mark.parametrize("zone", ZONES)
def test_business_minutes_and_sla_match_the_reference(
    zone: str, project_copy: Path, sla_raw: Path, tmp_path: Path
) -> None:
    database = _build(project_copy, sla_raw, zone, tmp_path)
    tickets = read_table(database, "marts.fct_tickets")
    records = []
    for r in tickets.to_dict("records"):
        for column in ("created_at", "first_response_at", "resolved_at", "updated_at"):
            value = r[column]
            r[column] = None if value is None or value != value else value.to_pydatetime().replace(tzinfo=UTC)
        records.append(r)
    expected, months = reference(records, zone)
    mismatches = []
    for r in tickets.to_dict("records"):
        fr, res, fr_status, res_status = expected[r["ticket_id"]]
        got = (r["first_response_business_minutes"], r["resolution_business_minutes"])
        for want, have in zip((fr, res), got, strict=True):
            if want is None:
                if have == have and have is not None:
                    mismatches.append((r["ticket_id"], "minutes", want, have))
            elif abs(want / 60.0 - have) > 1e-6:
                mismatches.append((r["ticket_id"], "minutes", want / 60.0, have))
        statuses = tuple(v if isinstance(v, str) else None
                         for v in (r["sla_first_response_status"], r["sla_resolution_status"]))
        if statuses != (fr_status, res_status):
            mismatches.append((r["ticket_id"], "status", (fr_status, res_status), statuses))
    assert not mismatches, f"{len(mismatches)} of {len(tickets)} tickets differ: {mismatches[:5]}"
    mart = read_table(database, "marts.kpi_sla_monthly")
    mart["month"] = [pd.Timestamp(m).date() for m in mart["month"]]
    assert len(mart) == len(set(mart["month"]))
    for row in mart.to_dict("records"):
        counts = months.get(row["month"], {})
        for column in ("tickets", "tickets_with_target", "first_response_achieved",
                       "first_response_breached", "first_response_pending", "resolution_achieved",
                       "resolution_breached", "resolution_pending"):
            assert row[column] == counts.get(column, 0), (zone, row["month"], column)
    assert {m for m, c in months.items() if c["tickets"]} <= set(mart["month"])
    # SPEC E in the same zone and schedule: the lifecycle marts equal the plain-Python reading.
    expected = lifecycle_marts(sla_raw, load_valid(sla_raw)["tickets"], zone, HOURS,
                               {dt.date.fromisoformat(d) for d in HOLIDAYS})
    for name in ("kpi_ticket_lifecycle_monthly", "kpi_ticket_backlog_daily"):
        assert_same_rows(f"{name} ({zone})", read_table(database, f"marts.{name}"), expected[name])


def test_a_bad_configuration_stops_the_build_naming_seed_and_row(
    project_copy: Path, tmp_path: Path
) -> None:
    project = tmp_path / "cs_kpi"
    shutil.copytree(project_copy, project)
    (project / "seeds/business_hours.csv").write_text(
        "weekday,opens_at,closes_at\n1,09:00,17:00\n1,16:30,18:00\n2,9:00,17:00\n8,09:00,10:00\n"
        "3,12:00,11:00\n", encoding="utf-8")
    (project / "seeds/sla_policies.csv").write_text(
        "priority,first_response_target_minutes,resolution_target_minutes,business_hours\n"
        "urgent,0,480,false\nhigh,240,1440,yes\n", encoding="utf-8")
    env = {**os.environ, "CS_KPI_DUCKDB_PATH": str(tmp_path / "w.duckdb"),
           "CS_KPI_TEMP_DIR": str(tmp_path / "tmp"), "DBT_PROFILES_DIR": str(project),
           "DBT_TARGET_PATH": str(tmp_path / "target"), "DBT_LOG_PATH": str(tmp_path / "logs"),
           "PYTHONPATH": str(project)}
    result = subprocess.run(
        [DBT, "build", "--select", "business_hours", "sla_policies", "stg_config__business_hours",
         "stg_config__sla_policies", "--exclude", "resource_type:test"],
        cwd=project, env=env, capture_output=True, text=True)
    assert result.returncode != 0
    for line in (
        "seeds/business_hours.csv: row (weekday=1, opens_at=09:00, closes_at=17:00): overlaps "
        "the row opens_at=16:30, closes_at=18:00 of the same weekday",
        "seeds/business_hours.csv: row (weekday=2, opens_at=9:00, closes_at=17:00): opens_at is "
        "not a local time HH:MM",
        "seeds/business_hours.csv: row (weekday=3, opens_at=12:00, closes_at=11:00): opens_at "
        "must be before closes_at",
        "seeds/business_hours.csv: row (weekday=8, opens_at=09:00, closes_at=10:00): weekday "
        "must be 1 (Monday) .. 7 (Sunday)",
        "seeds/sla_policies.csv: row (priority=urgent, first_response_target_minutes=0, "
        "resolution_target_minutes=480, business_hours=false): first_response_target_minutes "
        "must be an integer > 0",
        "seeds/sla_policies.csv: row (priority=high, first_response_target_minutes=240, "
        "resolution_target_minutes=1440, business_hours=yes): business_hours must be true or false",
    ):
        assert line in result.stdout, line
    zone = subprocess.run(
        [DBT, "build", "--select", "stg_config__holidays", "--vars", "{reporting_timezone: Mars/Olympus}"],
        cwd=project, env=env, capture_output=True, text=True)
    assert zone.returncode != 0
    assert "var reporting_timezone: 'Mars/Olympus' is not an IANA time zone name" in zone.stdout


def test_the_seeds_build_green_with_another_zone_schedule_and_window(
    project_copy: Path, tmp_path: Path
) -> None:
    """SPEC v2.1: every data and unit test holds whatever the user configures (here New York,
    the split-shift schedule, holidays and partial policies above, a narrower timestamp
    window); a unit test that needs a value sets it itself."""
    env = {**os.environ, "CS_KPI_DUCKDB_PATH": str(tmp_path / "w.duckdb"),
           "CS_KPI_TEMP_DIR": str(tmp_path / "tmp"), "DBT_PROFILES_DIR": str(project_copy),
           "DBT_TARGET_PATH": str(tmp_path / "target"), "DBT_LOG_PATH": str(tmp_path / "logs"),
           "PYTHONPATH": str(project_copy), "CS_KPI_PII_SALT": "test-only-salt-not-secret"}
    result = subprocess.run(
        [DBT, "build", "--vars", '{"reporting_timezone": "America/New_York", '
         '"min_valid_timestamp": "2000-01-01 00:00:00", "max_valid_timestamp": "2090-01-01 00:00:00"}'],
        cwd=project_copy, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-6000:]
    assert " ERROR=0 " in result.stdout and "PASS=" in result.stdout
