"""The raw input of a build, as SQL for DuckDB connections outside dbt.

- ``raw_relation``: every raw file of a table read by the project's reader
  (``cs_kpi.raw_reader``, the same one dbt uses), its contract columns only; the connection
  must be registered with ``raw_reader.register(connection)``. Used by the benchmark's floor
  script.
- ``warehouse_raw_relation``: the raw rows exactly as the build read them, rebuilt from the
  base model's ``raw_record`` (personal columns hashed). The quality gate validates this, so
  it always checks the input the warehouse was built from.
Light on purpose (no Great Expectations import).
"""

from __future__ import annotations

from cs_kpi import raw_reader
from cs_kpi.raw_schema import RAW_TABLES_BY_NAME

BASE_MODELS = {
    "customers": "base_shop__customers",
    "agents": "base_workforce__agents",
    "agent_shifts": "base_workforce__agent_shifts",
    "tickets": "base_helpdesk__tickets",
    "calls": "base_phone__calls",
    "surveys": "base_survey__responses",
    "orders": "base_shop__orders",
    "order_items": "base_shop__order_items",
    "products": "base_shop__products",
    "ticket_status_changes": "base_helpdesk__ticket_status_changes",
}


def raw_files(table: str, raw_path: str, raw_format: str) -> list[str]:
    """raw_<table>.<fmt> and its appended batches raw_<table>__*.<fmt>, as dbt reads them."""
    return raw_reader.table_files(raw_path, table, raw_format)


def raw_relation(table: str, raw_path: str | None, raw_format: str) -> str:
    """SQL for a raw table: the seed table, or every raw file of it (parsed in memory)."""
    if not raw_path:
        return f"seeds.raw_{table}"
    selects = [raw_reader.file_select(raw_reader.read_file(path, table, raw_format))
               for path in raw_files(table, raw_path, raw_format)]
    if not selects:
        raise raw_reader.RawFileError(f"{raw_path}: no raw_{table}.{raw_format}")
    columns = ", ".join(RAW_TABLES_BY_NAME[table].columns)
    return f"(select {columns} from ({' union all '.join(selects)}) as raw_rows)"


def warehouse_raw_relation(table: str, kind: str = "duckdb") -> str:
    """The raw rows of the last build, contract columns as text, from the base model."""
    def value(column: str) -> str:
        if kind == "postgres":
            return f"(cast(raw_record as json) ->> '{column}')"
        return f"json_extract_string(raw_record, '$.{column}')"

    columns = ", ".join(f"{value(column)} as {column}"
                        for column in RAW_TABLES_BY_NAME[table].columns)
    return f"(select {columns} from staging.{BASE_MODELS[table]}) as raw_{table}_rows"
