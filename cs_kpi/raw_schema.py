"""The raw input contract (SPEC part A) as data: one place for column names.

The generator, the seed configuration writer and the tests read this module, so a
column added to the contract is added once.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RawTable:
    name: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    key: tuple[str, ...]
    has_updated_at: bool = False
    # SPEC E: a table that may be absent (no file, no table); its marts are then empty.
    optional: bool = False

    @property
    def file_stem(self) -> str:
        return f"raw_{self.name}"


RAW_TABLES: tuple[RawTable, ...] = (
    RawTable(
        name="customers",
        columns=(
            "customer_id", "full_name", "email", "phone", "country", "segment",
            "signup_at", "churned_at", "updated_at",
        ),
        required=("customer_id", "signup_at", "updated_at"),
        key=("customer_id",),
        has_updated_at=True,
    ),
    RawTable(
        name="agents",
        columns=("agent_id", "agent_name", "team", "hourly_cost", "hired_at"),
        required=("agent_id",),
        key=("agent_id",),
    ),
    RawTable(
        name="agent_shifts",
        columns=("shift_id", "agent_id", "shift_start", "shift_end"),
        required=("shift_id", "agent_id", "shift_start", "shift_end"),
        key=("shift_id",),
    ),
    RawTable(
        name="tickets",
        columns=(
            "ticket_id", "customer_id", "agent_id", "channel", "category", "priority",
            "status", "created_at", "first_response_at", "resolved_at", "agent_replies",
            "reopened_count", "handle_seconds", "updated_at",
        ),
        required=("ticket_id", "status", "created_at", "updated_at"),
        key=("ticket_id",),
        has_updated_at=True,
    ),
    RawTable(
        name="calls",
        columns=(
            "call_id", "customer_id", "agent_id", "direction", "category", "started_at",
            "answered_at", "ended_at", "talk_seconds", "hold_seconds", "wrap_seconds",
            "disposition", "ticket_id", "quality_score",
        ),
        required=("call_id", "direction", "started_at", "ended_at"),
        key=("call_id",),
    ),
    RawTable(
        name="surveys",
        columns=(
            "response_id", "customer_id", "ticket_id", "call_id", "channel",
            "submitted_at", "nps_score", "csat_score", "ces_score", "comment",
        ),
        required=("response_id", "submitted_at"),
        key=("response_id",),
    ),
    RawTable(
        name="orders",
        columns=("order_id", "customer_id", "ordered_at", "status", "updated_at"),
        required=("order_id", "customer_id", "ordered_at", "status", "updated_at"),
        key=("order_id",),
        has_updated_at=True,
    ),
    RawTable(
        name="order_items",
        columns=("order_id", "line_number", "product_id", "quantity", "unit_price"),
        required=("order_id", "line_number", "product_id", "quantity", "unit_price"),
        key=("order_id", "line_number"),
    ),
    RawTable(
        name="products",
        columns=("product_id", "product_name", "product_line", "tier", "list_price"),
        required=("product_id", "product_line", "tier"),
        key=("product_id",),
    ),
    RawTable(
        name="ticket_status_changes",
        columns=("ticket_id", "changed_at", "status"),
        required=("ticket_id", "changed_at", "status"),
        key=("ticket_id", "changed_at"),
        optional=True,
    ),
)

RAW_TABLES_BY_NAME: dict[str, RawTable] = {table.name: table for table in RAW_TABLES}
