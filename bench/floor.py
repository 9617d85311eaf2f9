"""Run bench/floor.sql: the nine contracted marts straight from raw files, no dbt.

Raw files are read exactly as the quality gate reads them (``cs_kpi.raw_files``), without
importing Great Expectations (its import alone costs seconds).

``python -m bench.floor --raw DIR [--format parquet|csv] --database PATH``
"""

from __future__ import annotations

import argparse
import os
import re
from pathlib import Path

import duckdb

from cs_kpi import raw_reader
from cs_kpi.raw_files import raw_relation

SCRIPT = Path(__file__).with_name("floor.sql")
MARTS = ["kpi_nps_monthly", "kpi_csat_monthly", "kpi_fcr_monthly", "kpi_repeat_visits_monthly",
         "kpi_churn_monthly", "kpi_repeat_sales_monthly", "kpi_cross_sell_upsell_monthly",
         "kpi_ticket_ops_daily", "kpi_call_ops_daily"]


def run(raw_dir: Path, fmt: str, database: Path) -> None:
    sql = re.sub(r"\{raw:(\w+)\}", lambda m: raw_relation(m.group(1), str(raw_dir), fmt),
                 SCRIPT.read_text())
    with duckdb.connect(str(database)) as con:
        raw_reader.register(con)  # parsed CSV files live in memory (cs_kpi.raw_reader)
        con.execute(f"set memory_limit = '{os.environ.get('CS_KPI_MEMORY_LIMIT', '6GB')}'")
        con.execute(f"set threads = {int(os.environ.get('CS_KPI_THREADS', '2'))}")
        con.execute("set preserve_insertion_order = false")
        con.execute(sql)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--raw", type=Path, required=True)
    parser.add_argument("--format", choices=["csv", "parquet"], default="parquet")
    parser.add_argument("--database", type=Path, required=True)
    args = parser.parse_args(argv)
    args.database.unlink(missing_ok=True)
    run(args.raw, args.format, args.database)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
