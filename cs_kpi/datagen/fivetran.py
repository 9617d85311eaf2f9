"""Export a built warehouse's valid raw rows as Zendesk and Shopify tables in Fivetran's
schema: test data for the vendor mappings of models/sources/ (the round trip).

    python -m cs_kpi.datagen.fivetran --database W --raw-path DIR --out OUT

``W`` is a DuckDB warehouse built from the raw folder ``DIR``. ``OUT`` receives
``zendesk/<table>.csv`` and ``shopify/<table>.csv`` made from the rows staging kept (the
valid version of each key, raw texts as they arrived) and copies of ``DIR/raw_<name>*.csv``
for the tables no vendor provides (agents, agent_shifts, calls, surveys). Mapped back
(``make build SOURCE=fivetran RAW_PATH=OUT``) they give the same contracted marts.

How each raw column is expressed, so the mapping's derivations give it back:
- first_response_at: the first public agent comment; agent_replies: that many public agent
  comments (plus an internal note and a requester follow-up, which do not count);
- resolved_at and reopened_count: status changes in ticket_field_history (a solve and a
  reopen per reopened_count, the last solve at resolved_at);
- customer_id: the requester's external_id; churned_at and segment: customer metafields;
- products: one Shopify product per product line, one variant per raw product, the tier in
  the variant title (Lite, Plus, Pro).
Rows whose raw columns cannot be expressed this way are counted in ``ExportReport``.
Personal columns are exported as staging holds them (hashed), never in clear text.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from cs_kpi.vendor_schema import VENDOR_PROVIDES

SYNCED = "2026-12-01 00:00:00.000"
TIER_TITLES = {1: "Lite", 2: "Plus", 3: "Pro"}
FINANCIAL_STATUS = {"completed": "paid", "refunded": "refunded", "cancelled": "voided"}
SUPPORT_AGENT = "zendesk-agent-support"


@dataclass
class ExportReport:
    rows: dict[str, int] = field(default_factory=dict)
    # Valid rows whose raw values the Fivetran shape cannot carry exactly, by reason.
    inexpressible: dict[str, int] = field(default_factory=dict)

    def count(self, reason: str) -> None:
        self.inexpressible[reason] = self.inexpressible.get(reason, 0) + 1


def _valid_rows(con: duckdb.DuckDBPyConnection, model: str, raw: list[str],
                parsed: list[str] = ()) -> list[dict[str, Any]]:
    texts = [f"json_extract_string(raw_record, '$.{c}') as raw_{c}" for c in raw]
    cursor = con.execute(f"select {', '.join([*texts, *parsed])} from staging.{model} "
                         "where row_status = 'valid' order by _raw_file, _raw_row")
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _stamp(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S.%f")


def _clean(value: str | None) -> str | None:
    return value.strip().lower() if value is not None and value.strip() else None


def _write(path: Path, header: list[str], rows: list[list[Any]]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows([["" if v is None else v for v in row] for row in rows])
    return len(rows)


def _status_events(ticket: dict[str, Any], status: str, report: ExportReport) -> list[tuple]:
    """(changed_at text, value) events that give back resolved_at and reopened_count: a
    solve and a reopen per reopen, the last solve at resolved_at, then the current status."""
    created, updated = ticket["created_at"], ticket["updated_at"]
    resolved, reopened = ticket["resolved_at"], int(ticket["reopened_count"])
    current = "hold" if status == "on_hold" else status
    is_resolved = status in ("solved", "closed")
    events = [(ticket["raw_created_at"], "new")]
    if resolved is not None:
        if not is_resolved and reopened == 0:
            report.count("tickets: resolved_at on an unresolved ticket never reopened")
            if status != "new":
                events.append((_stamp(max(updated, created)), current))
            return events
        # An unresolved ticket's last reopen is the change to its current status.
        pairs = reopened if is_resolved else reopened - 1
        end = resolved
    else:
        if reopened > 0:
            report.count("tickets: reopened, unresolved, no resolved_at (resolved_at derived)")
        pairs = reopened
        end = max(updated, created)
    step = (end - created) / (pairs + 1)
    for index in range(pairs):
        at = created + step * (index + 1)
        events += [(_stamp(at), "solved"), (_stamp(at + step / 2), "open")]
    if resolved is not None:
        events.append((ticket["raw_resolved_at"], "solved"))
        if status != "solved":
            events.append((_stamp(resolved + dt.timedelta(seconds=1)), current))
    elif status != "new":
        events.append((_stamp(end), current))
    return events


def export_zendesk(con: duckdb.DuckDBPyConnection, out: Path, report: ExportReport) -> None:
    raw = ["ticket_id", "customer_id", "agent_id", "channel", "category", "priority", "status",
           "created_at", "first_response_at", "resolved_at", "handle_seconds", "updated_at"]
    tickets = _valid_rows(con, "base_helpdesk__tickets", raw,
                          ["created_at", "first_response_at", "resolved_at", "updated_at",
                           "agent_replies", "reopened_count", "status"])
    ticket_rows, comment_rows, history_rows = [], [], []
    users: dict[str, list[Any]] = {
        SUPPORT_AGENT: [SUPPORT_AGENT, "agent", None, None, "false", SYNCED]}
    for t in tickets:
        status = t["status"]
        requester = f"zendesk-user-{t['raw_customer_id'].strip()}" if t["raw_customer_id"] else None
        if requester:
            users[requester] = [requester, "end-user", f"{requester}@example.invalid",
                                t["raw_customer_id"].strip(), "false", SYNCED]
        agent = t["raw_agent_id"].strip() if t["raw_agent_id"] else None
        if agent:
            users.setdefault(agent, [agent, "agent", None, None, "false", SYNCED])
        channel = _clean(t["raw_channel"])
        ticket_rows.append([
            t["raw_ticket_id"], t["raw_created_at"], t["raw_updated_at"],
            "hold" if status == "on_hold" else t["raw_status"], t["raw_priority"],
            "twitter" if channel == "social" else t["raw_channel"], requester, agent,
            t["raw_category"], t["raw_handle_seconds"], "false", SYNCED,
        ])
        ticket_id = t["raw_ticket_id"].strip()
        replier = agent or SUPPORT_AGENT
        comments = [(t["raw_created_at"], requester or SUPPORT_AGENT, "true")]
        comments.append((_stamp(t["created_at"]), replier, "false"))  # an internal note
        replies = int(t["agent_replies"])
        if t["first_response_at"] is not None and replies > 0:
            comments.append((t["raw_first_response_at"], replier, "true"))
            for index in range(1, replies):
                at = t["first_response_at"] + dt.timedelta(seconds=index)
                comments.append((_stamp(at), replier, "true"))
            if requester:
                at = t["first_response_at"] + dt.timedelta(milliseconds=500)
                comments.append((_stamp(at), requester, "true"))
        elif t["first_response_at"] is not None or replies > 0:
            report.count("tickets: first_response_at and agent_replies disagree")
        for number, (created, author, public) in enumerate(comments):
            comment_rows.append([f"{ticket_id}-c{number:04d}", ticket_id, author, created,
                                 public, "false", SYNCED])
        for changed, value in _status_events(t, status, report):
            history_rows.append([ticket_id, "status", changed, value, replier, SYNCED])
    folder = out / "zendesk"
    report.rows["zendesk.ticket"] = _write(folder / "ticket.csv", [
        "id", "created_at", "updated_at", "status", "priority", "via_channel", "requester_id",
        "assignee_id", "custom_category", "custom_total_time_spent_sec", "_fivetran_deleted",
        "_fivetran_synced"], ticket_rows)
    report.rows["zendesk.user"] = _write(folder / "user.csv", [
        "id", "role", "email", "external_id", "_fivetran_deleted", "_fivetran_synced"],
        list(users.values()))
    report.rows["zendesk.ticket_comment"] = _write(folder / "ticket_comment.csv", [
        "id", "ticket_id", "user_id", "created", "public", "_fivetran_deleted",
        "_fivetran_synced"], comment_rows)
    report.rows["zendesk.ticket_field_history"] = _write(folder / "ticket_field_history.csv", [
        "ticket_id", "field_name", "updated", "value", "user_id", "_fivetran_synced"],
        history_rows)
    report.rows["zendesk.group"] = _write(folder / "group.csv", [
        "id", "name", "_fivetran_deleted", "_fivetran_synced"],
        [["support", "Support", "false", SYNCED]])


def export_shopify(con: duckdb.DuckDBPyConnection, out: Path, report: ExportReport) -> None:
    folder = out / "shopify"
    customers = _valid_rows(con, "base_shop__customers",
                            ["customer_id", "full_name", "email", "phone", "segment",
                             "signup_at", "churned_at", "updated_at"])
    customer_rows, metafield_rows = [], []
    for c in customers:
        customer_id = c["raw_customer_id"].strip()
        customer_rows.append([customer_id, c["raw_full_name"], None, c["raw_email"],
                              c["raw_phone"], "enabled", c["raw_signup_at"],
                              c["raw_updated_at"], "false", SYNCED])
        for key in ("churned_at", "segment"):
            if c[f"raw_{key}"] is not None:
                metafield_rows.append([f"{customer_id}-{key}", customer_id, "customer",
                                       "cs_kpi", key, c[f"raw_{key}"], SYNCED])
    report.rows["shopify.customer"] = _write(folder / "customer.csv", [
        "id", "first_name", "last_name", "email", "phone", "state", "created_at", "updated_at",
        "_fivetran_deleted", "_fivetran_synced"], customer_rows)
    report.rows["shopify.metafield"] = _write(folder / "metafield.csv", [
        "id", "owner_id", "owner_resource", "namespace", "key", "value", "_fivetran_synced"],
        metafield_rows)
    orders = _valid_rows(con, "base_shop__orders",
                         ["order_id", "customer_id", "ordered_at", "updated_at"], ["status"])
    report.rows["shopify.order"] = _write(folder / "order.csv", [
        "id", "customer_id", "created_at", "processed_at", "updated_at", "cancelled_at",
        "financial_status", "test", "_fivetran_deleted", "_fivetran_synced"], [
        [o["raw_order_id"], o["raw_customer_id"], o["raw_ordered_at"], o["raw_ordered_at"],
         o["raw_updated_at"], o["raw_updated_at"] if o["status"] == "cancelled" else None,
         FINANCIAL_STATUS[o["status"]], "false", "false", SYNCED] for o in orders])
    products = _valid_rows(con, "base_shop__products",
                           ["product_id", "product_line", "list_price"], ["product_line", "tier"])
    lines = sorted({p["product_line"] for p in products})
    report.rows["shopify.product"] = _write(folder / "product.csv", [
        "id", "title", "product_type", "_fivetran_deleted", "_fivetran_synced"],
        [[f"line-{line}", line.title(), line, "false", SYNCED] for line in lines])
    report.rows["shopify.product_variant"] = _write(folder / "product_variant.csv", [
        "id", "product_id", "title", "price", "_fivetran_deleted", "_fivetran_synced"], [
        [p["raw_product_id"], f"line-{p['product_line']}", TIER_TITLES[int(p["tier"])],
         p["raw_list_price"], "false", SYNCED] for p in products])
    line_of = {p["raw_product_id"].strip(): p["product_line"] for p in products}
    items = _valid_rows(con, "base_shop__order_items",
                        ["order_id", "line_number", "product_id", "quantity", "unit_price"])
    report.rows["shopify.order_line"] = _write(folder / "order_line.csv", [
        "id", "order_id", "index", "product_id", "variant_id", "quantity", "price",
        "_fivetran_synced"], [
        [f"{i['raw_order_id'].strip()}-{i['raw_line_number'].strip()}", i["raw_order_id"],
         i["raw_line_number"], f"line-{line_of[i['raw_product_id'].strip()]}",
         i["raw_product_id"], i["raw_quantity"], i["raw_unit_price"], SYNCED] for i in items])


def export(database: Path, raw_path: Path, out: Path) -> ExportReport:
    report = ExportReport()
    with duckdb.connect(str(database), read_only=True) as con:
        export_zendesk(con, out, report)
        export_shopify(con, out, report)
    provided = VENDOR_PROVIDES["fivetran"]
    for name in ("agents", "agent_shifts", "calls", "surveys"):
        assert name not in provided
        for path in sorted(raw_path.glob(f"raw_{name}.csv")) + sorted(
                raw_path.glob(f"raw_{name}__*.csv")):
            shutil.copy2(path, out / path.name)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cs_kpi.datagen.fivetran",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--database", type=Path, required=True)
    parser.add_argument("--raw-path", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    report = export(args.database, args.raw_path, args.out)
    for table, rows in report.rows.items():
        print(f"{table}: {rows} rows")
    for reason, rows in report.inexpressible.items():
        print(f"not expressible exactly: {reason}: {rows} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
