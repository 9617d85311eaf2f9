"""Print what a build did: where every raw row went, reject reasons, and the headline KPIs.

``python -m cs_kpi.summary [--database PATH]`` (default: CS_KPI_DUCKDB_PATH or
warehouse/cs_kpi.duckdb; with CS_KPI_TARGET=postgres the server of the libpq variables).
Read-only; exits non-zero when any raw table does not reconcile.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from cs_kpi.warehouse import Connection, WarehouseError, from_path


def report_month(last_day: dt.date) -> dt.date:
    """The latest month that ends on or before last_day (the dashboard's report month)."""
    first_of_month = last_day.replace(day=1)
    following = (first_of_month + dt.timedelta(days=32)).replace(day=1)
    if last_day == following - dt.timedelta(days=1):
        return first_of_month
    return (first_of_month - dt.timedelta(days=1)).replace(day=1)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def _table(rows: list[tuple], headers: list[str]) -> str:
    cells = [[str(h) for h in headers]] + [[_cell(v) for v in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = [
        "  ".join(c.rjust(w) if i else c.ljust(w)
                  for i, (c, w) in enumerate(zip(r, widths, strict=True)))
        for r in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


# The newest-row timestamp of each raw table with one (its valid rows, UTC).
NEWEST_ROW = (
    ("customers", "stg_shop__customers", "updated_at"),
    ("agent_shifts", "stg_workforce__agent_shifts", "shift_end_at"),
    ("tickets", "stg_helpdesk__tickets", "updated_at"),
    ("calls", "stg_phone__calls", "started_at"),
    ("surveys", "stg_survey__responses", "submitted_at"),
    ("orders", "stg_shop__orders", "updated_at"),
    ("ticket_status_changes", "stg_helpdesk__ticket_status_changes", "changed_at"),
)


def freshness(con: Connection, now: dt.datetime | None = None) -> list[tuple]:
    """(raw table, newest valid timestamp, its age in days) per raw table with a timestamp;
    the age is from now (UTC), empty for a table without valid rows."""
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    rows = []
    for raw_table, model, column in NEWEST_ROW:
        newest = con.scalar(f"select max({column}) from staging.{model}")
        age = None if newest is None else round((now - newest).total_seconds() / 86400, 1)
        rows.append((raw_table, column, "" if newest is None else
                     newest.strftime("%Y-%m-%d %H:%M"), "" if age is None else f"{age:,.1f}"))
    return rows


def summarise(con: Connection, marts_schema: str = "marts") -> tuple[str, bool]:
    counts = con.rows("""
        select raw_table, raw_rows, valid_rows, superseded_rows, duplicate_rows, rejected_rows,
               is_reconciled
        from staging.stg_audit__row_counts order by raw_table
    """)
    reasons = con.rows("""
        select raw_table, reject_reason, count(*) as n
        from staging.stg_audit__rejected_rows group by raw_table, reject_reason
        order by raw_table, n desc, 2
    """)
    # The latest three complete months, as the dashboard's headline (months after the last
    # contact would show empty or 0 % figures).
    last_day = con.scalar(f"""
        select coalesce((select max(contact_date) from {marts_schema}.fct_contacts),
                        (select max(date_day) from {marts_schema}.dim_calendar))""")
    headline = [(month.strftime("%Y-%m"), *rest) for month, *rest in con.rows(f"""
        select month, nps, csat_pct, fcr_rate, repeat_visit_rate,
               churn_rate, repeat_sales_rate, cross_sell_rate, upsell_rate, service_level_pct
        from {marts_schema}.kpi_executive_summary_monthly
        where month <= ? order by month desc limit 3
    """, [report_month(last_day)])]
    parts = [
        "Raw rows and where they went (SPEC B.3):",
        _table(counts, ["raw table", "raw", "valid", "superseded", "duplicate", "rejected",
                        "reconciled"]),
        "",
        "Rejected rows by reason (first failing rule; all in staging.stg_audit__rejected_rows):",
        _table(reasons, ["raw table", "reason", "rows"]),
        "",
        "Newest row of each raw table (valid rows, UTC; `dbt source freshness` checks the "
        "loads):",
        _table(freshness(con), ["raw table", "column", "newest", "age (days)"]),
        "",
        "Headline KPIs, latest three complete months "
        f"({marts_schema}.kpi_executive_summary_monthly):",
        _table(headline, ["month", "nps", "csat %", "fcr %", "repeat visit %", "churn %",
                          "repeat sales %", "cross-sell %", "upsell %", "service level %"]),
    ]
    return "\n".join(parts), all(row[-1] for row in counts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", default=None, help="DuckDB file (duckdb target)")
    args = parser.parse_args(argv)
    warehouse = from_path(args.database)
    try:
        with warehouse.connect() as con:
            text, reconciled = summarise(con, warehouse.marts_schema)
    except WarehouseError as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 2
    print(text)
    if not reconciled:
        print("ERROR: some raw tables do not reconcile (see above)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
