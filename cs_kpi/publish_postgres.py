"""Write-audit-publish on PostgreSQL: the validated marts become the schema ``marts``.

dbt builds the marts in ``marts_build`` (write); the dbt tests and the gate check them
(audit); this step (publish) copies every table of ``marts_build`` into a new schema, with the
dbt descriptions as comments, and in the same transaction renames the old ``marts`` away and
the new schema to ``marts``. A BI reader sees the old marts or the new ones, never a mix: a
query already running keeps reading the old tables, later queries read the new ones. Renaming
a schema takes no lock on its tables, so readers are never blocked; the old copy is dropped
afterwards in its own transaction (with a lock timeout: a reader still scanning it only
postpones the drop to the next publish).

With CS_KPI_BI_ROLE set, that role is granted usage on the new schema and select on its
tables inside the same transaction, so its access never lapses across a publish.
"""

from __future__ import annotations

import os
from datetime import datetime

from cs_kpi.warehouse import WORKING_MARTS_SCHEMA, connect_postgres

PUBLISHED_SCHEMA = "marts"
NEXT_SCHEMA = "marts_next"
PREVIOUS_SCHEMA = "marts_previous"
BI_ROLE_ENV = "CS_KPI_BI_ROLE"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _drop_previous(cursor) -> bool:
    """Drop the copy a former publish replaced; False when a reader still holds it."""
    import psycopg2

    cursor.execute("set local lock_timeout = '5s'")
    try:
        cursor.execute(f"drop schema if exists {PREVIOUS_SCHEMA} cascade")
    except psycopg2.errors.LockNotAvailable:
        return False
    return True


def publish_postgres(version: str, published_at: datetime, source: str, zone: str,
                     currency: str, descriptions: dict[str, tuple[str, dict[str, str]]]
                     ) -> dict[str, int]:
    connection = connect_postgres("cs_kpi.publish")
    counts: dict[str, int] = {}
    try:
        with connection, connection.cursor() as cursor:
            if not _drop_previous(cursor):
                raise RuntimeError(f"{PREVIOUS_SCHEMA} is still being read; publish again later")
        with connection, connection.cursor() as cursor:
            cursor.execute("select table_name from information_schema.tables "
                           "where table_schema = %s and table_type = 'BASE TABLE' order by 1",
                           (WORKING_MARTS_SCHEMA,))
            tables = [row[0] for row in cursor.fetchall()]
            if not tables:
                raise RuntimeError(f"schema {WORKING_MARTS_SCHEMA} has no tables: "
                                   "run the build first")
            cursor.execute(f"drop schema if exists {NEXT_SCHEMA} cascade")
            cursor.execute(f"create schema {NEXT_SCHEMA}")
            for table in tables:
                cursor.execute(f"create table {NEXT_SCHEMA}.{_ident(table)} as "
                               f"select * from {WORKING_MARTS_SCHEMA}.{_ident(table)}")
                counts[f"{PUBLISHED_SCHEMA}.{table}"] = cursor.rowcount
                description, columns = descriptions.get(table, ("", {}))
                if description:
                    cursor.execute(f"comment on table {NEXT_SCHEMA}.{_ident(table)} is "
                                   f"{_literal(description.strip())}")
                for column, text in columns.items():
                    if text:
                        cursor.execute(f"comment on column {NEXT_SCHEMA}.{_ident(table)}."
                                       f"{_ident(column)} is {_literal(text.strip())}")
            role = os.environ.get(BI_ROLE_ENV)
            if role:
                cursor.execute(f"grant usage on schema {NEXT_SCHEMA} to {_ident(role)}")
                cursor.execute(f"grant select on all tables in schema {NEXT_SCHEMA} "
                               f"to {_ident(role)}")
            cursor.execute("create schema if not exists cs_kpi_meta")
            cursor.execute("drop table if exists cs_kpi_meta.publish_info")
            cursor.execute("create table cs_kpi_meta.publish_info as select "
                           "%s::text as version, %s::timestamp as published_at, "
                           "%s::text as source_database, %s::text as reporting_timezone, "
                           "%s::text as cost_currency",
                           (version, published_at.replace(tzinfo=None), source, zone, currency))
            cursor.execute("select count(*) from information_schema.schemata "
                           "where schema_name = %s", (PUBLISHED_SCHEMA,))
            if cursor.fetchone()[0]:
                cursor.execute(f"alter schema {PUBLISHED_SCHEMA} rename to {PREVIOUS_SCHEMA}")
            cursor.execute(f"alter schema {NEXT_SCHEMA} rename to {PUBLISHED_SCHEMA}")
        with connection, connection.cursor() as cursor:
            _drop_previous(cursor)  # a reader still on the old copy: dropped next time
    finally:
        connection.close()
    return counts


def build_labels() -> tuple[str, str]:
    """The reporting time zone and cost currency the build used (cs_kpi_meta.build_state)."""
    connection = connect_postgres("cs_kpi.publish")
    try:
        with connection, connection.cursor() as cursor:
            cursor.execute("select reporting_timezone, cost_currency from cs_kpi_meta.build_state")
            row = cursor.fetchone()
    finally:
        connection.close()
    return (row[0], row[1]) if row else ("UTC", "USD")
