"""Where the raw files of a table are and how DuckDB reads them, mirroring
macros/raw/raw_relation.sql. Light on purpose (no Great Expectations import): the quality
gate and the benchmark's floor script both use it."""

from __future__ import annotations

from pathlib import Path


def raw_files(table: str, raw_path: str, raw_format: str) -> list[str]:
    """raw_<table>.<fmt> and its appended batches raw_<table>__*.<fmt>, as dbt reads them."""
    folder = Path(raw_path)
    files = sorted([*folder.glob(f"raw_{table}.{raw_format}"),
                    *folder.glob(f"raw_{table}__*.{raw_format}")])
    return [str(f) for f in files] or [f"{raw_path.rstrip('/')}/raw_{table}.{raw_format}"]


def raw_relation(table: str, raw_path: str | None, raw_format: str) -> str:
    """SQL for a raw table: the seed table, or every raw file of it."""
    if not raw_path:
        return f"raw.raw_{table}"
    files = "[" + ", ".join(f"'{f}'" for f in raw_files(table, raw_path, raw_format)) + "]"
    if raw_format == "parquet":
        return f"read_parquet({files}, union_by_name = true)"
    return (f"read_csv({files}, header = true, all_varchar = true, delim = ',', "
            f"quote = '\"', escape = '\"', union_by_name = true, max_line_size = 10000000)")
