"""Bad input never crashes, never leaks, always says what is wrong (SPEC A v2, B.2 v2, B.4 v2).

- the reader (cs_kpi.raw_reader) on each file-level defect SPEC A v2 names;
- a deterministic fuzz of 300 corrupted raw files: each is read with its rows accounted for
  line by line, or refused with one line naming the file, never a traceback, never a value;
- builds of whole folders: a defect-laden folder builds and reconciles; an unreadable one
  stops before any model with one line per problem; no personal data and no salt anywhere
  a build writes; clear failures for a busy warehouse, a gate after a failed build and a
  publish on a full disk.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import PROJECT, dbt, read_table

from cs_kpi import raw_reader
from cs_kpi.raw_schema import RAW_TABLES_BY_NAME

SEEDS = PROJECT / "seeds"


def _read(path: Path, table: str):
    raw = raw_reader.read_file(str(path), table, "csv")
    con = duckdb.connect()
    raw_reader.register(con)
    rows = con.execute(raw_reader.file_select(raw) + " order by _raw_row").fetchall()
    names = [d[0] for d in con.description]
    con.close()
    return raw, [dict(zip(names, row, strict=True)) for row in rows]


def test_bom_crlf_and_header_case_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "raw_products.csv"
    path.write_bytes("\ufeff PRODUCT_ID ,Product_Line,TIER,extra\r\nP1, Audio ,2,x\r\n".encode())
    raw, rows = _read(path, "products")
    assert raw.unknown_columns == ["extra"]
    assert raw.missing_optional == ["product_name", "list_price"]
    assert rows == [{"product_id": "P1", "product_name": None, "product_line": " Audio ",
                     "tier": "2", "list_price": None, "_raw_file": raw.batch_id,
                     "_raw_row": 2, "_is_malformed": False}]


def test_a_malformed_line_is_one_row_and_reading_resumes(tmp_path: Path) -> None:
    path = tmp_path / "raw_agents.csv"
    path.write_text('agent_id,agent_name,team,hourly_cost,hired_at\n'
                    'A1,"Ann, B",t1,20,\n'
                    'A2,"unbalanced,t1,20,\n'          # line 3: quote never closed
                    'A3,Cy,t2,20,2020-01-01\n'
                    'A4,too,many,fields,here,x\n'       # line 5: 6 fields
                    '\n'                                # blank: not a record
                    'A5,"multi\nline",t3,1,\n'          # lines 7-8: one record
                    'A6,short\n', encoding="utf-8")     # line 9: 2 fields
    raw, rows = _read(path, "agents")
    assert [(r["_raw_row"], r["_is_malformed"], r["agent_id"]) for r in rows] == [
        (2, False, "A1"), (3, True, None), (4, False, "A3"), (5, True, None),
        (7, False, "A5"), (9, True, None)]
    assert rows[0]["agent_name"] == "Ann, B" and rows[4]["agent_name"] == "multi\nline"
    assert raw.malformed_lines == 3


@pytest.mark.parametrize(("content", "message"), [
    (b"", "no header row (the file is empty or starts with a blank line)"),
    (b"\n\nagent_id\nA1\n", "no header row (the file is empty or starts with a blank line)"),
    (b"agent_name,team\nAnn,t1\n", "required column agent_id missing from the header"),
    (b"agent_id,team,TEAM\nA1,t,t\n", "column 'team' appears twice in the header"),
    ("agent_id,agent_name\nA1,Zoë Secret\n".encode("latin-1"),
     "not UTF-8 (first invalid byte on line 2)"),
])
def test_unreadable_files_are_one_line_errors_without_data(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "raw_agents.csv"
    path.write_bytes(content)
    with pytest.raises(raw_reader.RawFileError) as error:
        raw_reader.read_file(str(path), "agents", "csv")
    text = str(error.value)
    assert text == f"{path}: {message}"
    assert "\n" not in text and "Secret" not in text and "Ann" not in text


def test_a_quote_in_the_folder_name_is_not_sql(tmp_path: Path) -> None:
    folder = tmp_path / "o'brien data"
    folder.mkdir()
    path = folder / "raw_agents.csv"
    path.write_text("agent_id\nA1\n", encoding="utf-8")
    _, rows = _read(path, "agents")
    assert [r["agent_id"] for r in rows] == ["A1"]


@pytest.mark.parametrize("table", sorted(RAW_TABLES_BY_NAME))
def test_the_one_pass_and_line_by_line_readings_agree(table: str) -> None:
    """A well-formed file is read in one csv.reader pass; the resync path gives the same."""
    path = str(SEEDS / f"raw_{table}.csv")
    lines = raw_reader._split_lines(raw_reader._decode(path))
    header = raw_reader._header(path, lines)
    positions, _ = raw_reader._match_header(path, table, header)
    fast = raw_reader._well_formed_records(lines, len(header))
    assert fast is not None
    starts, records = fast
    columns, line_numbers, malformed = raw_reader._records_line_by_line(
        lines, len(header), positions, RAW_TABLES_BY_NAME[table].columns)
    assert line_numbers == starts and not any(malformed)
    for column, values in columns.items():
        expected = [record[positions[column]] if column in positions else None for record in records]
        assert list(values) == expected, column


# --- fuzz -------------------------------------------------------------------------------

FUZZ_TABLES = ["customers", "tickets", "surveys", "order_items", "agents"]


def _corrupt(data: bytes, rng: random.Random) -> bytes:
    lines = data.split(b"\n")
    kind = rng.randrange(9)
    if kind == 0:  # flip bytes
        buffer = bytearray(data)
        for _ in range(rng.randint(1, 5)):
            buffer[rng.randrange(len(buffer))] = rng.randrange(256)
        return bytes(buffer)
    if kind == 1:  # cut a line short
        i = rng.randrange(1, len(lines))
        lines[i] = lines[i][: rng.randrange(len(lines[i]) + 1)]
    elif kind == 2:  # add stray quotes
        for _ in range(rng.randint(1, 3)):
            i = rng.randrange(1, len(lines))
            j = rng.randrange(len(lines[i]) + 1)
            lines[i] = lines[i][:j] + b'"' + lines[i][j:]
    elif kind == 3:  # drop a column from the header
        names = lines[0].split(b",")
        names.pop(rng.randrange(len(names)))
        lines[0] = b",".join(names)
    elif kind == 4:  # another encoding
        return data.decode("utf-8").encode(rng.choice(["utf-16", "latin-1", "cp1252"]),
                                           errors="replace") + "é".encode("latin-1")
    elif kind == 5:  # NUL bytes and control characters
        i = rng.randrange(1, len(lines))
        lines[i] = lines[i] + rng.choice([b"\x00", b"\r", b"\x1a,", b"\x0b"])
    elif kind == 6:  # truncate the file anywhere
        return data[: rng.randrange(len(data) + 1)]
    elif kind == 7:  # duplicate or shuffle lines, BOM and CRLF
        body = lines[1:]
        rng.shuffle(body)
        return b"\xef\xbb\xbf" + b"\r\n".join([lines[0], *body, *body[:3]])
    else:  # extra fields
        i = rng.randrange(1, len(lines))
        lines[i] = lines[i] + b"," * rng.randint(1, 3)
    return b"\n".join(lines)


def _physical_lines(text: str) -> list[str]:
    lines = text.split("\n")
    return lines[:-1] if lines and lines[-1] == "" else lines


def test_fuzzed_files_are_read_or_refused_cleanly(tmp_path: Path) -> None:
    rng = random.Random(20261201)
    outcomes = {"read": 0, "refused": 0}
    samples = {}
    for table in FUZZ_TABLES:
        original = (SEEDS / f"raw_{table}.csv").read_bytes()
        samples[table] = b"\n".join(original.split(b"\n")[:40]) + b"\n"
    for case in range(300):
        table = FUZZ_TABLES[case % len(FUZZ_TABLES)]
        path = tmp_path / f"case{case:03d}" / f"raw_{table}.csv"
        path.parent.mkdir()
        data = _corrupt(samples[table], rng)
        path.write_bytes(data)
        try:
            _, rows = _read(path, table)
        except raw_reader.RawFileError as error:
            message = str(error)
            assert message.startswith(str(path) + ": ") and "\n" not in message, message
            outcomes["refused"] += 1
            continue
        # Every line after the header is a record start, a continuation line of a quoted
        # field, or blank: records are in line order and none starts on the header.
        lines = _physical_lines(data.decode("utf-8-sig"))
        starts = [r["_raw_row"] for r in rows]
        assert starts == sorted(set(starts)) and all(2 <= s <= len(lines) for s in starts)
        blank = {i + 1 for i, line in enumerate(lines) if line in ("", "\r")}
        assert not blank & set(starts)
        assert all(set(r) >= set(RAW_TABLES_BY_NAME[table].columns) for r in rows)
        assert all(all(v is None for k, v in r.items() if not k.startswith("_"))
                   for r in rows if r["_is_malformed"])
        outcomes["read"] += 1
    print(f"fuzz: 300 cases, {outcomes['read']} read, {outcomes['refused']} refused, 0 tracebacks")
    assert outcomes["read"] > 100 and outcomes["refused"] > 20


# --- whole builds -----------------------------------------------------------------------

def _copy_seeds(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for path in SEEDS.glob("raw_*.csv"):
        shutil.copy(path, folder / path.name)
    return folder


def _pipeline(raw_dir: Path, workdir: Path, salt: str | None = None,
              extra_env: dict | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "CS_KPI_DUCKDB_PATH": str(workdir / "cs_kpi.duckdb"),
           "CS_KPI_TEMP_DIR": str(workdir / "tmp"), "DBT_PROFILES_DIR": str(PROJECT),
           "DBT_TARGET_PATH": str(workdir / "target"), "DBT_LOG_PATH": str(workdir / "logs"),
           "CS_KPI_PUBLISH_DIR": str(workdir / "published"), "PYTHONPATH": str(PROJECT),
           **(extra_env or {})}
    env.pop("CS_KPI_LOCK_HELD", None)
    if salt:
        env["CS_KPI_PII_SALT"] = salt
    else:
        env.pop("CS_KPI_PII_SALT", None)
    return subprocess.run([sys.executable, "-m", "cs_kpi.pipeline", "--raw-path", str(raw_dir),
                           "--database", str(workdir / "cs_kpi.duckdb")],
                          cwd=PROJECT, env=env, capture_output=True, text=True)


def _seed_emails() -> list[str]:
    import csv
    with open(SEEDS / "raw_customers.csv", encoding="utf-8", newline="") as handle:
        return [row["email"] for row in csv.DictReader(handle) if row["email"] and "@" in row["email"]]


def _texts_written(workdir: Path) -> str:
    chunks = []
    for path in workdir.rglob("*"):
        if path.is_file() and path.suffix in {".json", ".log", ".sql", ".txt", ".md", ".csv",
                                              ".html", ".msgpack", ".yml", ".gpickle"}:
            chunks.append(path.read_bytes().decode("utf-8", errors="replace"))
    return "\n".join(chunks)


def test_a_defective_folder_builds_end_to_end_without_leaking(tmp_path: Path) -> None:
    raw = _copy_seeds(tmp_path / "o'brien raw")  # a quote and a space: never SQL, never split
    customers = (raw / "raw_customers.csv").read_text(encoding="utf-8").split("\n")
    customers[3] = customers[3].replace(",", ',"', 1)       # an unbalanced quote
    customers.insert(7, "only,three,fields")
    (raw / "raw_customers.csv").write_bytes(("\ufeff" + "\r\n".join(customers)).encode())
    (raw / "raw_agents__empty.csv").write_text("agent_id,team,notes\n", encoding="utf-8")  # header only
    tickets = (raw / "raw_tickets.csv").read_text(encoding="utf-8").rstrip("\n").split("\n")
    header = tickets[0].split(",")
    row = dict.fromkeys(header, "")
    row.update(status="open", updated_at="2026-03-05T00:00:00Z")
    for key, created in (("V2-T1", "0001-01-01T00:00:00Z"), ("V2-T2", "2100-01-01T00:00:00Z"),
                         ("V2-T3", "1969-12-31T23:59:59.999999Z"),
                         ("V2-T4", "1970-01-01T00:00:00Z"), ("V2-T5", "2099-12-31T23:59:59.999999Z")):
        tickets.append(",".join({**row, "ticket_id": key, "created_at": created}[h] for h in header))
    (raw / "raw_tickets.csv").write_text("\n".join(tickets) + "\n", encoding="utf-8")
    salt = "made-up-salt-4f1c9e7a"
    work = tmp_path / "work"
    result = _pipeline(raw, work, salt=salt)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    database = work / "cs_kpi.duckdb"
    counts = read_table(database, "staging.stg_audit__row_counts").set_index("raw_table")
    assert counts["is_reconciled"].all()
    assert counts.loc["agents", "raw_rows"] == len(_physical_lines(
        (raw / "raw_agents.csv").read_text(encoding="utf-8"))) - 1
    rejects = read_table(database, "staging.stg_audit__rejected_rows")
    malformed = rejects[rejects["reject_reason"] == "malformed_csv_line"]
    assert sorted(malformed["raw_row"].tolist()) == [4, 8]
    assert set(malformed["raw_table"]) == {"customers"}
    reasons = dict(zip(rejects["record_key"], rejects["reject_reason"], strict=False))
    assert reasons["V2-T1"] == reasons["V2-T2"] == reasons["V2-T3"] == "out_of_range:created_at"
    valid = set(read_table(database, "staging.stg_helpdesk__tickets")["ticket_id"])
    assert {"V2-T4", "V2-T5"} <= valid
    # Year 0001 no longer stretches the calendar; the valid extremes 1970 and 2099 do.
    days = read_table(database, "marts.dim_calendar")["date_day"]
    assert (days.min().date(), days.max().date(), len(days)) == (
        dt.date(1970, 1, 1), dt.date(2099, 12, 31), 47482)
    written = _texts_written(work) + output
    assert salt not in written
    leaked = [email for email in _seed_emails() if email in written]
    assert not leaked, f"{len(leaked)} e-mails found in build output"
    assert "Traceback" not in output


def test_an_unreadable_folder_stops_before_any_model(tmp_path: Path) -> None:
    raw = _copy_seeds(tmp_path / "raw")
    text = (raw / "raw_customers.csv").read_text(encoding="utf-8")
    latin = text.encode("latin-1", errors="replace") + "Zoë,zoe@example.org\n".encode("latin-1")
    (raw / "raw_customers.csv").write_bytes(latin)
    first_bad = next(i for i, byte in enumerate(latin) if byte >= 0x80)
    bad_line = latin.count(b"\n", 0, first_bad) + 1
    (raw / "raw_orders.csv").write_text("order_id,customer_id\n", encoding="utf-8")
    (raw / "raw_products.csv").unlink()
    result = _pipeline(raw, tmp_path / "work")
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR: ")]
    assert errors == [
        f"ERROR: {raw}/raw_customers.csv: not UTF-8 (first invalid byte on line "
        f"{bad_line})",
        f"ERROR: {raw}/raw_orders.csv: required columns ordered_at, status, updated_at "
        "missing from the header",
        f"ERROR: {raw}: no raw_products.csv (nor batches raw_products__<batch>.csv)",
    ]
    assert "zoe@example.org" not in result.stdout + result.stderr
    assert not (tmp_path / "work" / "cs_kpi.duckdb").exists()
    # dbt alone stops in its on-run-start hook with the same lines, before any model.
    alone = dbt(["build"], tmp_path / "alone" / "w.duckdb", raw_dir=raw, check=False)
    assert alone.returncode != 0
    assert "raw input check failed (3 problems)" in alone.stdout
    assert "zoe@example.org" not in alone.stdout
    assert "PASS=" not in alone.stdout


def test_gate_refuses_after_a_failed_build_and_on_another_input(tmp_path: Path, capsys) -> None:
    from cs_kpi.quality.gate import main as gate_main

    raw, database = tmp_path / "raw", tmp_path / "w.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute("create schema cs_kpi_meta; create table cs_kpi_meta.build_state as "
                    "select ? as raw_input, 'csv' as raw_format, 'running' as status", [str(raw)])
    assert gate_main(["--database", str(database), "--no-docs"]) == 1
    assert "the last build did not finish; nothing to validate" in capsys.readouterr().err
    with duckdb.connect(str(database)) as con:
        con.execute("update cs_kpi_meta.build_state set status = 'failed'")
    assert gate_main(["--database", str(database), "--no-docs"]) == 1
    assert "ERROR: the last build failed; nothing to validate" in capsys.readouterr().err
    with duckdb.connect(str(database)) as con:
        con.execute("update cs_kpi_meta.build_state set status = 'succeeded'")
    assert gate_main(["--database", str(database), "--no-docs",
                      "--raw-path", str(tmp_path / "elsewhere")]) == 2
    assert (f"the warehouse was built from {raw} (csv), not from {tmp_path / 'elsewhere'}"
            in capsys.readouterr().err)


def test_a_busy_warehouse_is_one_line(tmp_path: Path, capsys) -> None:
    from cs_kpi.quality.gate import main as gate_main
    from cs_kpi.warehouse_state import warehouse_lock

    database = tmp_path / "w.duckdb"
    duckdb.connect(str(database)).close()
    os.environ.pop("CS_KPI_LOCK_HELD", None)
    with warehouse_lock(database):
        code = gate_main(["--database", str(database), "--no-docs"])
    assert code == 1
    assert f"ERROR: another build is running (pid {os.getpid()})" in capsys.readouterr().err


def test_publish_on_a_full_disk_leaves_nothing_behind(tmp_path: Path, monkeypatch, capsys) -> None:
    from cs_kpi import publish

    database = tmp_path / "w.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute("create schema marts; create table marts.t as select 1 as x")

    def full_disk(source, target, *args, **kwargs):
        Path(target).write_bytes(b"partial")
        Path(str(target) + ".wal").write_bytes(b"partial")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(publish, "_write_database", full_disk)
    monkeypatch.setattr(publish, "check_gate", lambda database: None)
    out = tmp_path / "published"
    code = publish.main(["--database", str(database), "--publish-dir", str(out)])
    assert code == 1
    err = capsys.readouterr().err.strip()
    assert err == ("PUBLISH FAILED: [Errno 28] No space left on device; temporary files removed, "
                   "the last published version is unchanged")
    leftovers = [p.name for p in out.rglob("*") if p.is_file()]
    assert leftovers == []
