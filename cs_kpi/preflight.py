"""Preflight: are the raw files of a folder readable, before dbt runs? (SPEC A v2)

``python -m cs_kpi.preflight --raw-path DIR [--format csv|parquet]``

Every raw table has a file; every file is UTF-8 (CSV), has a header row and every required
column. Each problem is one line naming the file and the column or line, never a value from
the file; exit 2 when there is any. Unknown and missing optional columns are listed (exit 0).
The same checks run inside dbt (on-run-start hook ``check_raw_inputs``), for runs of dbt alone.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cs_kpi import raw_reader
from cs_kpi.raw_schema import RAW_TABLES


def check(raw_path: str, raw_format: str) -> tuple[list[str], list[str]]:
    """(problems, notes) for a raw folder."""
    problems: list[str] = []
    notes: list[str] = []
    if not Path(raw_path).is_dir():
        return [f"{raw_path}: not a folder"], notes
    for table in RAW_TABLES:
        files = raw_reader.table_files(raw_path, table.name, raw_format)
        if not files and table.optional:
            notes.append(f"{raw_path.rstrip('/')}: {table.file_stem} not supplied (optional, SPEC "
                         "part E); read as empty, its marts have no rows")
        elif not files:
            problems.append(f"{raw_path.rstrip('/')}: no {table.file_stem}.{raw_format} "
                            f"(nor batches {table.file_stem}__<batch>.{raw_format})")
        for path in files:
            try:
                raw = raw_reader.check_file(path, table.name, raw_format)
            except raw_reader.RawFileError as error:
                problems.append(str(error))
                continue
            if raw.unknown_columns:
                notes.append(f"{path}: unknown columns ignored: {', '.join(raw.unknown_columns)}")
            if raw.missing_optional:
                notes.append(f"{path}: optional columns missing, read as NULL: "
                             f"{', '.join(raw.missing_optional)}")
    return problems, notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--raw-path", required=True)
    parser.add_argument("--format", choices=["csv", "parquet"], default="csv")
    args = parser.parse_args(argv)
    problems, notes = check(args.raw_path, args.format)
    for note in notes:
        print(f"note: {note}")
    for problem in problems:
        print(f"ERROR: {problem}", file=sys.stderr)
    if problems:
        return 2
    print(f"raw input {args.raw_path} ({args.format}): every table readable")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
