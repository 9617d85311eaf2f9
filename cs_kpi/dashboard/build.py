"""Render the support lead's dashboard from the published marts alone.

``python -m cs_kpi.dashboard [--publish-dir DIR] [--out FILE] [--days N]``

Reads ``<publish-dir>/cs_kpi_bi.duckdb`` read-only (on PostgreSQL, CS_KPI_TARGET=postgres:
the published schema ``marts`` and ``cs_kpi_meta.publish_info``), never the working
warehouse, and writes
one self-contained HTML file: the data as embedded JSON, the charts drawn as SVG by inline
JavaScript, no server, no network, no external file. Every figure is a mart value; the page
only rounds for display.

The report month (headline cards, agent scorecard, support impact) is the last month that
the contact data covers completely: the latest month whose last day is on or before the day
of the latest contact (``fct_contacts``; ``dim_calendar``'s last day if there is none). Later
timestamps such as a resolution or a record update do not make a month "complete". Monthly
charts end at the report month too. Both daily charts show the same ``--days`` days (default
90), up to the day of the latest contact.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from cs_kpi.publish import DEFAULT_PUBLISH_DIR, PUBLISHED_DATABASE
from cs_kpi.summary import report_month
from cs_kpi.warehouse import Connection, Warehouse, WarehouseError, from_path, target_kind

TEMPLATE = Path(__file__).with_name("template.html")

# Headline cards: executive-summary column, label, decimals, unit suffix.
CARDS: list[tuple[str, str, int, str]] = [
    ("nps", "NPS", 1, ""),
    ("csat_pct", "CSAT", 1, "%"),
    ("fcr_rate", "First-contact resolution", 1, "%"),
    ("repeat_visit_rate", "Repeat-visit rate", 1, "%"),
    ("churn_rate", "Churn rate", 2, "%"),
    ("repeat_sales_rate", "Repeat-sales rate", 1, "%"),
    ("cross_sell_rate", "Cross-sell rate", 1, "%"),
    ("upsell_rate", "Upsell rate", 1, "%"),
    ("service_level_pct", "Service level (20 s)", 1, "%"),
    ("abandonment_rate", "Abandonment rate", 1, "%"),
    ("avg_first_response_minutes", "Avg first response", 0, "min"),
    ("avg_handle_time_seconds", "Avg handle time", 0, "s"),
    ("backlog_end_of_month", "Backlog at month end", 0, "tickets"),
    ("cost_per_contact", "Cost per contact ({currency})", 2, ""),
]

# Agent scorecard columns: key, heading (with unit), decimals.
SCORECARD: list[tuple[str, str, int]] = [
    ("agent_display_name", "Agent", 0),
    ("team", "Team", 0),
    ("contacts_handled", "Contacts", 0),
    ("tickets_solved", "Tickets solved", 0),
    ("fcr_rate", "FCR (%)", 1),
    ("csat_pct", "CSAT (%)", 1),
    ("avg_handle_time_seconds", "AHT (s)", 0),
    ("avg_quality_score", "Quality (0-100)", 1),
    ("quality_pass_pct", "Quality ≥ 80 (%)", 1),
    ("utilization_pct", "Utilization (%)", 1),
    ("cost_per_contact", "Cost per contact ({currency})", 2),
]


# Attainment among tickets achieved or breached, as in kpi_sla_monthly.
_SLA_PCT = ("100.0 * count(*) filter (where sla_{kind}_status = 'achieved') / "
            "nullif(count(*) filter (where sla_{kind}_status in ('achieved', 'breached')), 0)")


def _info_relation(con: Connection) -> str:
    return "meta.publish_info" if con.kind == "duckdb" else "cs_kpi_meta.publish_info"


def _json_value(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):  # PostgreSQL's numeric (sums, averages)
        return float(value)
    return value


def _rows(con: Connection, sql: str, params: list | None = None) -> list[dict]:
    return [{n: _json_value(v) for n, v in row.items()} for row in con.dicts(sql, params or [])]


def load(database: Path | Warehouse, days: int = 90) -> dict[str, Any]:
    """Everything the page shows, read from the published DuckDB file (or, for a PostgreSQL
    warehouse, its published schema)."""
    published = database if isinstance(database, Warehouse) else Warehouse("duckdb", database)
    with published.connect() as con:
        info = _rows(con, "select version, published_at, source_database, reporting_timezone, "
                     f"cost_currency from {_info_relation(con)}")[0]
        currency = info["cost_currency"] or "USD"
        last_day = con.scalar(
            "select coalesce((select max(contact_date) from marts.fct_contacts), "
            "(select max(date_day) from marts.dim_calendar))")
        month = report_month(last_day)
        # Both daily charts: the same window, the `days` days up to the latest contact (ticket
        # days run on past it while resolutions and updates arrive, all of them zero-created).
        first_day = last_day - dt.timedelta(days=int(days) - 1)
        daily = "select * from marts.{table} where day between ? and ? order by day"
        window = [first_day, last_day]
        month_param = [month]
        return {
            "version": info["version"],
            "published_at": info["published_at"],
            "source": Path(info["source_database"]).name,
            "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "last_day": last_day.isoformat(),
            "report_month": month.isoformat(),
            "cards": [{"key": k, "label": label.format(currency=currency), "digits": d,
                       "suffix": s} for k, label, d, s in CARDS],
            # Monthly charts end at the report month, like the headline cards: a month the
            # contact data do not cover completely would show a partial figure (or a churn of
            # 0 % after the data end) next to a headline that leaves it out.
            "executive_summary": _rows(
                con, "select * from marts.kpi_executive_summary_monthly where month <= ? "
                "order by month", month_param),
            "nps_monthly": _rows(con, """
                select month, responses, promoter_pct, passive_pct, detractor_pct, nps
                from marts.kpi_nps_monthly where month <= ? order by month""", month_param),
            "fcr_repeat_monthly": _rows(con, """
                select coalesce(f.month, r.month) as month, f.fcr_rate, r.repeat_visit_rate
                from marts.kpi_fcr_monthly as f
                full outer join marts.kpi_repeat_visits_monthly as r on f.month = r.month
                where coalesce(f.month, r.month) <= ?
                order by 1""", month_param),
            "churn_monthly": _rows(con, """
                select month, active_customers_start, churned_customers, churn_rate, retention_rate
                from marts.kpi_churn_monthly where month <= ? order by month""", month_param),
            "sales_monthly": _rows(con, """
                select coalesce(s.month, x.month) as month, s.repeat_sales_rate,
                    x.cross_sell_rate, x.upsell_rate
                from marts.kpi_repeat_sales_monthly as s
                full outer join marts.kpi_cross_sell_upsell_monthly as x on s.month = x.month
                where coalesce(s.month, x.month) <= ?
                order by 1""", month_param),
            "sla_monthly": _rows(con, """
                select month, first_response_sla_pct, resolution_sla_pct
                from marts.kpi_sla_monthly where month <= ? order by month""", month_param),
            "sla_by_priority": _rows(con, f"""
                select priority,
                    {_SLA_PCT.format(kind="first_response")} as first_response_sla_pct,
                    {_SLA_PCT.format(kind="resolution")} as resolution_sla_pct
                from marts.fct_tickets
                where has_sla_target and date_trunc('month', created_date) = ?
                group by priority order by min(case priority when 'urgent' then 1
                    when 'high' then 2 when 'normal' then 3 else 4 end)""", month_param),
            "sla_open_breaches": _rows(con, """
                select
                    count(*) filter (where sla_first_response_status = 'breached'
                        and first_response_at is null and not is_resolved)
                        as first_response_breached,
                    count(*) filter (where sla_resolution_status = 'breached'
                        and not is_resolved) as resolution_breached,
                    count(*) filter (where sla_first_response_status = 'pending'
                        or sla_resolution_status = 'pending') as pending
                from marts.fct_tickets""")[0],
            "sla_as_of": str(con.scalar("select as_of_at from marts.dim_ticket_as_of")),
            "reporting_timezone": info["reporting_timezone"] or "UTC",
            "daily_window": [first_day.isoformat(), last_day.isoformat()],
            "ticket_ops_daily": _rows(con, daily.format(table="kpi_ticket_ops_daily"), window),
            "call_ops_daily": _rows(con, daily.format(table="kpi_call_ops_daily"), window),
            "lifecycle_monthly": _rows(con, """
                select month, tickets_with_history, reopen_rate, one_touch_rate,
                    avg_requester_wait_business_minutes, avg_agent_work_business_minutes,
                    avg_agent_wait_business_minutes, avg_on_hold_business_minutes
                from marts.kpi_ticket_lifecycle_monthly where month <= ? order by month""",
                month_param),
            "backlog_daily": _rows(con, daily.format(table="kpi_ticket_backlog_daily"), window),
            "scorecard_columns": [{"key": k, "label": label.format(currency=currency), "digits": d}
                                  for k, label, d in SCORECARD],
            # agents by their pseudonym (dim_agents.agent_display_name), never by name
            "agent_scorecard": _rows(con, """
                select scorecard.*, coalesce(agents.agent_display_name, 'unknown agent')
                    as agent_display_name
                from marts.kpi_agent_scorecard_monthly as scorecard
                left join marts.dim_agents as agents on scorecard.agent_id = agents.agent_id
                where scorecard.month = ?
                order by agent_display_name, scorecard.agent_id""", month_param),
            "support_impact": _rows(con, """
                select * from marts.kpi_support_impact_monthly where month = ?
                order by segment_type, segment""", month_param),
        }


def render(data: dict[str, Any]) -> str:
    payload = json.dumps(data, separators=(",", ":"), allow_nan=False)
    # Inside <script>, "</" would end the element; JSON allows the escaped form.
    payload = payload.replace("</", "<\\/")
    html = TEMPLATE.read_text(encoding="utf-8")
    return html.replace("__TITLE__", data["report_month"][:7]).replace("__DATA__", payload)


def build(publish_dir: Path, out: Path | None = None, days: int = 90) -> Path:
    if target_kind() == "postgres":
        database: Path | Warehouse = from_path()
        with database.connect() as con:
            if not con.has_table("cs_kpi_meta", "publish_info"):
                raise FileNotFoundError(f"nothing published on {database.label}: run `make build "
                                        "TARGET=postgres` (or python -m cs_kpi.publish) first")
    else:
        database = publish_dir / PUBLISHED_DATABASE
        if not database.exists():
            raise FileNotFoundError(f"no published warehouse at {database}: run `make build` "
                                    "(or python -m cs_kpi.publish) first")
    out = out or publish_dir / "dashboard" / "index.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.with_name(out.name + ".tmp")
    temporary.write_text(render(load(database, days)), encoding="utf-8")
    os.replace(temporary, out)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--publish-dir", type=Path, default=DEFAULT_PUBLISH_DIR)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--days", type=int, default=90)
    args = parser.parse_args(argv)
    try:
        out = build(args.publish_dir, args.out, args.days)
    except (FileNotFoundError, WarehouseError) as missing:
        print(f"ERROR: {missing}", file=sys.stderr)
        return 2
    print(f"Dashboard: {out.resolve()}")
    return 0
