"""dbt-duckdb plugin (profiles.yml ``plugins: [{module: cs_kpi.dbt_plugin}]``).

On every DuckDB connection dbt opens it
- registers the in-memory file system and the SQL functions the raw macros call:
  ``cs_kpi_raw_files(folder, table, format)`` -> JSON list of the table's files and batch ids,
  ``cs_kpi_raw_file(path, table, format, parse)`` -> JSON description of one file (the SQL
  that selects it, unknown and missing columns) or ``{"error": "<one line>"}``;
- writes the personal-data salt to the table ``cs_kpi_meta.pii_salt``, which ``hash_pii``
  joins to, so the salt never appears in compiled SQL, dbt artifacts or logs (SPEC B.4 v2).
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

from dbt.adapters.duckdb.plugins import BasePlugin

from cs_kpi import raw_reader
from cs_kpi.secrets import pii_salt


def _raw_files(folder: str, table: str, raw_format: str) -> str:
    try:
        files = raw_reader.table_files(folder, table, raw_format)
        return json.dumps([[path, raw_reader.batch_id(path)] for path in files])
    except OSError as error:
        return json.dumps({"error": f"{folder}: cannot be listed ({error.strerror})"})


def _raw_file(path: str, table: str, raw_format: str, parse: bool) -> str:
    try:
        raw = (raw_reader.read_file if parse else raw_reader.check_file)(path, table, raw_format)
    except raw_reader.RawFileError as error:
        return json.dumps({"error": str(error)})
    described = json.loads(raw.as_json())
    if parse:
        described["sql"] = raw_reader.file_select(raw)
    return json.dumps(described)


class Plugin(BasePlugin):
    def initialize(self, plugin_config: dict[str, Any]) -> None:
        self.database_path = getattr(self.creds, "path", None) or ":memory:"

    def configure_connection(self, conn) -> None:
        raw_reader.register(conn)
        for name, function, types in (
            ("cs_kpi_raw_files", _raw_files, ["VARCHAR", "VARCHAR", "VARCHAR"]),
            ("cs_kpi_raw_file", _raw_file, ["VARCHAR", "VARCHAR", "VARCHAR", "BOOLEAN"]),
        ):
            with contextlib.suppress(Exception):  # not registered yet on this connection
                conn.remove_function(name)
            conn.create_function(name, function, types, "VARCHAR", side_effects=True)
        conn.execute("create schema if not exists cs_kpi_meta")
        conn.execute("create or replace table cs_kpi_meta.pii_salt as select ? as salt",
                     [pii_salt(self.database_path)])
