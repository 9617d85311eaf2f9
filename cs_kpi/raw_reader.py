"""Reading raw files per SPEC part A (v2): the one reader that dbt, the gate and the floor use.

CSV files are read by Python's ``csv`` module with a fixed dialect (comma, ``"`` quoting,
doubled quotes), never sniffed:

- the file must be UTF-8 (a byte-order mark is dropped) and have a header row; header names
  are matched after trimming and lower-casing; every required column must be there;
- unknown columns are ignored, missing optional columns read as NULL (both are reported);
- records are read from the line after the header. When the record starting at line L is not
  a well-formed CSV record of the header's width (an unbalanced quote, too many or too few
  fields, a NUL byte), line L alone becomes one raw row flagged malformed, and reading resumes
  at line L + 1. A line that is entirely empty is not a record;
- each raw row keeps the line number where its record starts (the header is line 1).

The result is written as Parquet to an in-memory file system (fsspec ``memory://``) that the
DuckDB connection reads: the parsed rows, personal data included, never touch the disk.
Parquet files only have their column names matched; DuckDB reads them in place.

Errors are one line naming the file and the column or line, never a value from the file.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from cs_kpi.raw_schema import RAW_TABLES_BY_NAME
from cs_kpi.vendor_schema import VENDOR_TABLES_BY_NAME

MEMORY_ROOT = "cs_kpi_raw"
MALFORMED_COLUMN = "_is_malformed"
LINE_COLUMN = "_raw_line"
_LOCK = threading.Lock()
_CACHE: dict[tuple, RawFile] = {}


class RawFileError(Exception):
    """A raw file that cannot be read at all (one line, no data from the file)."""


@dataclass(frozen=True)
class RawFile:
    """A raw file as DuckDB should read it."""

    path: str
    table: str
    raw_format: str
    batch_id: str
    uri: str
    columns: dict[str, str | None]
    unknown_columns: list[str] = field(default_factory=list)
    missing_optional: list[str] = field(default_factory=list)
    rows: int | None = None
    malformed_lines: int = 0

    def as_json(self) -> str:
        return json.dumps({
            "path": self.path, "table": self.table, "format": self.raw_format,
            "batch_id": self.batch_id, "uri": self.uri, "columns": self.columns,
            "unknown_columns": self.unknown_columns, "missing_optional": self.missing_optional,
            "rows": self.rows, "malformed_lines": self.malformed_lines,
        })


def table_files(folder: str, table: str, raw_format: str) -> list[str]:
    """raw_<table>.<fmt> and its batches raw_<table>__<batch>.<fmt>, sorted by path."""
    base = Path(folder)
    found = [*base.glob(f"raw_{table}.{raw_format}"), *base.glob(f"raw_{table}__*.{raw_format}")]
    return sorted(str(p) for p in found if p.is_file())


def batch_id(path: str) -> str:
    """Identity of one loaded file: path, size and modification time."""
    stat = os.stat(path)
    return f"{path}|{stat.st_size}|{stat.st_mtime_ns // 1_000_000}"


def _contract(table: str):
    """A raw contract table (``tickets``) or a vendor table (``zendesk.ticket``)."""
    contract = RAW_TABLES_BY_NAME.get(table) or VENDOR_TABLES_BY_NAME.get(table)
    if contract is None:
        raise RawFileError(f"unknown raw table '{table}'")
    return contract


def _match_header(path: str, table: str, names: list[str]) -> tuple[dict[str, int], list[str]]:
    """Contract column -> header index; raises on missing required or duplicate columns."""
    contract = _contract(table)
    positions: dict[str, int] = {}
    unknown: list[str] = []
    for index, raw_name in enumerate(names):
        name = raw_name.replace("\ufeff", "").strip().lower()
        if name in positions:
            raise RawFileError(f"{path}: column '{name}' appears twice in the header")
        if name in contract.columns:
            positions[name] = index
        else:
            unknown.append(name or f"<empty name, position {index + 1}>")
    missing = [c for c in contract.required if c not in positions]
    if missing:
        raise RawFileError(
            f"{path}: required column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)} missing from the header"
        )
    return positions, unknown


def _decode(path: str) -> str:
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise RawFileError(f"{path}: cannot be read ({error.strerror})") from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise RawFileError(f"{path}: not UTF-8 (first invalid byte on line {line})") from None


class _Lines:
    """Physical lines fed to csv.reader, with a position that can be moved back."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        self.position = 0

    def __iter__(self):
        return self

    def __next__(self) -> str:
        if self.position >= len(self.lines):
            raise StopIteration
        line = self.lines[self.position]
        self.position += 1
        return line + "\n"


def _header(path: str, lines: list[str]) -> list[str]:
    if not lines or not lines[0].strip("\r\n\t "):
        raise RawFileError(f"{path}: no header row (the file is empty or starts with a blank line)")
    try:
        return next(csv.reader([lines[0] + "\n"], strict=True))
    except csv.Error:
        raise RawFileError(f"{path}: the header row (line 1) is not a well-formed CSV record") \
            from None


def parse_csv_records(lines: list[str], width: int):
    """Yield (line number, fields or None when malformed) for the lines after the header."""
    source = _Lines(lines)
    source.position = 1
    reader = csv.reader(source, strict=True)
    total = len(lines)
    while source.position < total:
        start = source.position
        if lines[start] in ("", "\r"):
            source.position += 1
            continue
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error:
            record = None
        if record is None or len(record) != width:
            source.position = start + 1
            yield start + 1, None
        else:
            yield start + 1, record


def _well_formed_records(lines: list[str], width: int) -> tuple[list[int], list[list[str]]] | None:
    """(record start lines, records) when every line after the header belongs to a
    well-formed record of the header's width; None at the first defect. The common case,
    read in one pass of csv.reader; the line-by-line resync is only needed otherwise."""
    reader = csv.reader([line + "\n" for line in lines[1:]], strict=True)
    starts: list[int] = []
    records: list[list[str]] = []
    consumed = 0
    try:
        for record in reader:
            if record:
                if len(record) != width:
                    return None
                starts.append(consumed + 2)
                records.append(record)
            consumed = reader.line_num
    except csv.Error:
        return None
    return starts, records


def _records_line_by_line(lines: list[str], width: int, positions: dict[str, int],
                          names: tuple[str, ...]):
    """Columns, start lines and malformed flags, resynchronising after each defect."""
    columns: dict[str, list[str | None]] = {c: [] for c in names}
    line_numbers: list[int] = []
    malformed: list[bool] = []
    for line_number, record in parse_csv_records(lines, width):
        line_numbers.append(line_number)
        malformed.append(record is None)
        for column, values in columns.items():
            values.append(None if record is None or column not in positions
                          else record[positions[column]])
    return columns, line_numbers, malformed


def _split_lines(text: str) -> list[str]:
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def check_file(path: str, table: str, raw_format: str) -> RawFile:
    """Header-level checks only (existence, encoding, header, required columns)."""
    return _read(path, table, raw_format, parse=False)


def read_file(path: str, table: str, raw_format: str) -> RawFile:
    """The file parsed and registered in memory; cached by path, size and mtime."""
    return _read(path, table, raw_format, parse=True)


def _read(path: str, table: str, raw_format: str, parse: bool) -> RawFile:
    if raw_format not in ("csv", "parquet"):
        raise RawFileError(f"raw_format must be csv or parquet, got '{raw_format}'")
    if not os.path.isfile(path):
        raise RawFileError(f"{path}: file not found")
    identity = batch_id(path)
    key = (identity, table, raw_format, parse)
    with _LOCK:
        if key in _CACHE:
            return _CACHE[key]
        if raw_format == "parquet":
            result = _read_parquet(path, table, identity)
        else:
            result = _read_csv(path, table, identity, parse)
        _CACHE[key] = result
        return result


def _read_parquet(path: str, table: str, identity: str) -> RawFile:
    import pyarrow.parquet as pq

    try:
        names = pq.read_schema(path).names
    except Exception:  # pyarrow raises several types for a file that is not Parquet
        raise RawFileError(f"{path}: not a readable Parquet file") from None
    positions, unknown = _match_header(path, table, names)
    contract = _contract(table)
    return RawFile(
        path=path, table=table, raw_format="parquet", batch_id=identity, uri=path,
        columns={c: (names[positions[c]] if c in positions else None) for c in contract.columns},
        unknown_columns=unknown,
        missing_optional=[c for c in contract.columns if c not in positions],
    )


def _read_csv(path: str, table: str, identity: str, parse: bool) -> RawFile:
    contract = _contract(table)
    lines = _split_lines(_decode(path))
    header = _header(path, lines)
    positions, unknown = _match_header(path, table, header)
    missing = [c for c in contract.columns if c not in positions]
    if not parse:
        return RawFile(path=path, table=table, raw_format="csv", batch_id=identity, uri="",
                       columns={c: c for c in contract.columns}, unknown_columns=unknown,
                       missing_optional=missing)
    fast = _well_formed_records(lines, len(header))
    if fast is not None:
        line_numbers, records = fast
        malformed = [False] * len(records)
        by_position = list(zip(*records, strict=True)) if records else []
        columns: dict[str, list[str | None] | tuple[str, ...]] = {
            c: (by_position[positions[c]] if records else []) if c in positions
            else [None] * len(records)
            for c in contract.columns
        }
    else:
        columns, line_numbers, malformed = _records_line_by_line(lines, len(header), positions,
                                                                 contract.columns)
    uri = _write_memory_parquet(identity, table, columns, line_numbers, malformed)
    return RawFile(
        path=path, table=table, raw_format="csv", batch_id=identity, uri=uri,
        columns={c: c for c in contract.columns}, unknown_columns=unknown,
        missing_optional=missing, rows=len(line_numbers), malformed_lines=sum(malformed),
    )


def memory_filesystem():
    import fsspec

    return fsspec.filesystem("memory")


def _write_memory_parquet(identity: str, table: str, columns: dict, line_numbers: list[int],
                          malformed: list[bool]) -> str:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    arrays = {}
    for name, values in columns.items():
        array = pa.array(values, type=pa.string())
        arrays[name] = pc.if_else(pc.equal(array, ""), pa.scalar(None, pa.string()), array)
    arrays[LINE_COLUMN] = pa.array(line_numbers, type=pa.int64())
    arrays[MALFORMED_COLUMN] = pa.array(malformed, type=pa.bool_())
    digest = hashlib.sha256(f"{identity}|{table}".encode()).hexdigest()[:24]
    uri = f"memory:///{MEMORY_ROOT}/{table}-{digest}.parquet"
    with memory_filesystem().open(uri, "wb") as handle:
        pq.write_table(pa.table(arrays), handle)
    return uri


def register(connection) -> None:
    """Let a DuckDB connection read the in-memory files (idempotent per connection)."""
    if not connection.filesystem_is_registered("memory"):
        connection.register_filesystem(memory_filesystem())


def file_select(raw: RawFile, batch: str | None = None) -> str:
    """SQL selecting one raw file as its table's contract columns (text) plus row bookkeeping:
    _raw_file (batch id), _raw_row (CSV: line number; Parquet: row number), _is_malformed."""
    parts = []
    for column, source in raw.columns.items():
        expression = "null" if source is None else '"' + source.replace('"', '""') + '"'
        parts.append(f"cast({expression} as varchar) as {column}")
    literal = (batch or raw.batch_id).replace("'", "''")
    uri = raw.uri.replace("'", "''")
    if raw.raw_format == "csv":
        parts += [f"'{literal}' as _raw_file", f"{LINE_COLUMN} as _raw_row",
                  f"{MALFORMED_COLUMN} as _is_malformed"]
        return f"select {', '.join(parts)} from read_parquet('{uri}')"
    parts += [f"'{literal}' as _raw_file", "file_row_number + 1 as _raw_row",
              "false as _is_malformed"]
    return f"select {', '.join(parts)} from read_parquet('{uri}', file_row_number = true)"
