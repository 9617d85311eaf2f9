"""The vendor tables the mappings of models/sources/ read, as data (mirrors their sources
YAML; tests/python/test_raw_contract.py keeps the two equal).

Fivetran lands them; ``cs-kpi load --source fivetran --raw-path DIR`` writes them from
``DIR/<vendor>/<table>.csv`` with the project's reader (``cs_kpi.raw_reader``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class VendorTable:
    vendor: str
    table: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    optional_table: bool = False

    @property
    def name(self) -> str:
        """The reader's name for the table: <vendor>.<table>."""
        return f"{self.vendor}.{self.table}"


VENDOR_TABLES: tuple[VendorTable, ...] = (
    VendorTable(
        "zendesk",
        "ticket",
        columns=(
            "id",
            "created_at",
            "updated_at",
            "status",
            "priority",
            "via_channel",
            "requester_id",
            "assignee_id",
            "custom_category",
            "custom_total_time_spent_sec",
            "_fivetran_deleted",
            "_fivetran_synced",
        ),
        required=(
            "id",
            "created_at",
            "updated_at",
            "status",
        ),
    ),
    VendorTable(
        "zendesk",
        "user",
        columns=(
            "id",
            "role",
            "email",
            "external_id",
            "_fivetran_deleted",
            "_fivetran_synced",
        ),
        required=(
            "id",
            "role",
        ),
    ),
    VendorTable(
        "zendesk",
        "ticket_comment",
        columns=(
            "id",
            "ticket_id",
            "user_id",
            "created",
            "public",
            "_fivetran_deleted",
            "_fivetran_synced",
        ),
        required=(
            "id",
            "ticket_id",
            "user_id",
            "created",
            "public",
        ),
    ),
    VendorTable(
        "zendesk",
        "ticket_field_history",
        columns=(
            "ticket_id",
            "field_name",
            "updated",
            "value",
            "user_id",
            "_fivetran_synced",
        ),
        required=(
            "ticket_id",
            "field_name",
            "updated",
        ),
    ),
    VendorTable(
        "zendesk",
        "group",
        columns=(
            "id",
            "name",
            "_fivetran_deleted",
            "_fivetran_synced",
        ),
        required=("id",),
        optional_table=True,
    ),
    VendorTable(
        "zendesk",
        "satisfaction_rating",
        columns=("id", "ticket_id", "score", "created_at", "updated_at", "_fivetran_synced"),
        required=("id",),
        optional_table=True,
    ),
    VendorTable(
        "shopify",
        "customer",
        columns=(
            "id",
            "first_name",
            "last_name",
            "email",
            "phone",
            "state",
            "created_at",
            "updated_at",
            "_fivetran_deleted",
            "_fivetran_synced",
        ),
        required=(
            "id",
            "created_at",
            "updated_at",
        ),
    ),
    VendorTable(
        "shopify",
        "order",
        columns=(
            "id",
            "customer_id",
            "created_at",
            "processed_at",
            "updated_at",
            "cancelled_at",
            "financial_status",
            "test",
            "_fivetran_deleted",
            "_fivetran_synced",
        ),
        required=(
            "id",
            "created_at",
            "updated_at",
        ),
    ),
    VendorTable(
        "shopify",
        "order_line",
        columns=(
            "id",
            "order_id",
            "index",
            "product_id",
            "variant_id",
            "quantity",
            "price",
            "_fivetran_synced",
        ),
        required=(
            "id",
            "order_id",
            "quantity",
            "price",
        ),
    ),
    VendorTable(
        "shopify",
        "product",
        columns=(
            "id",
            "title",
            "product_type",
            "_fivetran_deleted",
            "_fivetran_synced",
        ),
        required=("id",),
    ),
    VendorTable(
        "shopify",
        "product_variant",
        columns=(
            "id",
            "product_id",
            "title",
            "price",
            "_fivetran_deleted",
            "_fivetran_synced",
        ),
        required=(
            "id",
            "product_id",
        ),
    ),
    VendorTable(
        "shopify",
        "metafield",
        columns=(
            "id",
            "owner_id",
            "owner_resource",
            "namespace",
            "key",
            "value",
            "_fivetran_synced",
        ),
        required=(
            "id",
            "owner_id",
            "owner_resource",
            "namespace",
            "key",
        ),
        optional_table=True,
    ),
    VendorTable(
        "freshdesk",
        "ticket",
        columns=(
            "id",
            "requester_id",
            "responder_id",
            "source",
            "status",
            "priority",
            "created_at",
            "updated_at",
            "stats_first_responded_at",
            "stats_resolved_at",
            "stats_closed_at",
            "spam",
            "deleted",
        ),
        required=("id", "status", "created_at", "updated_at"),
    ),
)

VENDOR_TABLES_BY_NAME: dict[str, VendorTable] = {table.name: table for table in VENDOR_TABLES}

# Each source system (dbt var source_systems): the vendors whose tables it reads and the
# raw contract tables its mappings provide (the rest come from raw_<name> files).
SYSTEM_VENDORS: dict[str, tuple[str, ...]] = {
    "fivetran": ("zendesk", "shopify"),
    "freshdesk": ("freshdesk",),
}
VENDOR_PROVIDES: dict[str, tuple[str, ...]] = {
    "fivetran": ("tickets", "ticket_status_changes", "customers", "orders", "order_items",
                 "products"),
    "freshdesk": ("tickets",),
}
