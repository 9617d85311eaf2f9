"""Write-audit-publish: readers of the published file are never blocked and never see an
unvalidated or half-built state; a failed gate publishes nothing."""

from __future__ import annotations

import hashlib
import json
import shutil
import threading
from pathlib import Path

import duckdb
import pytest
from conftest import dbt, generate

from cs_kpi.publish import PUBLISHED_DATABASE, PublishRefused, publish
from cs_kpi.publish import main as publish_main
from cs_kpi.quality.gate import main as gate_main


def _gate(database: Path, raw_dir: Path) -> int:
    return gate_main(["--database", str(database), "--raw-path", str(raw_dir), "--no-docs"])


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _state(publish_dir: Path) -> tuple[str, str, str]:
    return (_digest(publish_dir / PUBLISHED_DATABASE), (publish_dir / "publish.json").read_text(),
            str((publish_dir / "parquet" / "current").readlink()))


def _read(connection: duckdb.DuckDBPyConnection) -> tuple[str, int]:
    version = connection.execute("select version from meta.publish_info").fetchall()[0][0]
    contacts = connection.execute("select count(*) from marts.fct_contacts").fetchall()[0][0]
    return version, contacts


@pytest.fixture()
def working(built_from_csv: Path, generated_raw: Path, tmp_path: Path) -> Path:
    """A working warehouse that passed the gate, in a folder of its own."""
    (tmp_path / "work").mkdir()
    database = tmp_path / "work" / "cs_kpi.duckdb"
    shutil.copy(built_from_csv, database)
    assert _gate(database, generated_raw) == 0
    return database


def test_publish_refuses_without_a_passed_gate(built_from_csv: Path, tmp_path: Path) -> None:
    database = tmp_path / "cs_kpi.duckdb"
    shutil.copy(built_from_csv, database)
    with pytest.raises(PublishRefused, match="no gate result"):
        publish(database, tmp_path / "published")
    assert not (tmp_path / "published" / PUBLISHED_DATABASE).exists()


def test_published_file_is_complete_read_only_and_documented(working: Path, tmp_path: Path) -> None:
    result = publish(working, tmp_path / "published")
    published = Path(result.database)
    assert published.stat().st_mode & 0o222 == 0, "published file must be read-only"
    with duckdb.connect(str(working), read_only=True) as source, \
            duckdb.connect(str(published), read_only=True) as bi:
        tables = [r[0] for r in source.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'").fetchall()]
        assert len(tables) >= 20 and set(result.tables) == {f"marts.{t}" for t in tables}
        for table in ("kpi_nps_monthly", "kpi_ticket_ops_daily", "fct_contacts"):
            query = f"select * from marts.{table} order by all"
            assert source.execute(query).fetchall() == bi.execute(query).fetchall()
        comment = bi.execute("select comment from duckdb_tables() "
                             "where table_name = 'kpi_nps_monthly'").fetchall()[0][0]
        assert comment and "NPS" in comment.upper()
        parquet = Path(result.parquet_dir) / "kpi_nps_monthly.parquet"
        assert bi.execute(f"select count(*) from '{parquet}'").fetchall() == \
            bi.execute("select count(*) from marts.kpi_nps_monthly").fetchall()


def test_reader_is_not_blocked_and_sees_old_data_until_the_swap(
    working: Path, tmp_path: Path
) -> None:
    publish_dir = tmp_path / "published"
    first = publish(working, publish_dir)
    reader = duckdb.connect(first.database, read_only=True)
    before = _read(reader)
    assert before[0] == first.version

    # A real rebuild of the working warehouse from different raw data, while the reader holds
    # the published file open and keeps querying it.
    new_raw = generate(tmp_path / "new_raw", scale=0.2, seed=4242)
    seen: list[tuple[str, int]] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def keep_reading() -> None:
        try:
            with duckdb.connect(first.database, read_only=True) as other:
                while not stop.is_set():
                    seen.append(_read(other))
                    stop.wait(0.2)
        except BaseException as error:  # any reader failure fails the test
            errors.append(error)

    thread = threading.Thread(target=keep_reading)
    thread.start()
    try:
        dbt(["run"], working, raw_dir=new_raw)
        assert _read(reader) == before, "reader saw the build before it was validated"
        assert _gate(working, new_raw) == 0
        second = publish(working, publish_dir)
    finally:
        stop.set()
        thread.join()
    assert not errors, errors
    assert seen and set(seen) == {before}, "a concurrent reader saw something other than the old version"

    assert _read(reader) == before, "an open connection keeps the version it opened"
    reader.close()
    with duckdb.connect(second.database, read_only=True) as fresh:
        after = _read(fresh)
    assert after[0] == second.version != first.version
    assert after[1] != before[1], "the new version holds the rebuilt data"
    assert json.loads((publish_dir / "publish.json").read_text())["version"] == second.version


def test_failed_gate_leaves_the_published_version_in_place(
    working: Path, generated_raw: Path, tmp_path: Path, capsys
) -> None:
    publish_dir = tmp_path / "published"
    publish(working, publish_dir)
    published_before = _state(publish_dir)

    with duckdb.connect(str(working)) as con:
        con.execute("update marts.kpi_fcr_monthly set fcr_rate = 150")
    # Written after the gate passed: refused even before the gate runs again.
    assert publish_main(["--database", str(working), "--publish-dir", str(publish_dir)]) == 1
    assert "changed after the gate" in capsys.readouterr().err

    assert _gate(working, generated_raw) == 1
    assert publish_main(["--database", str(working), "--publish-dir", str(publish_dir)]) == 1
    assert "gate failed" in capsys.readouterr().err
    assert _state(publish_dir) == published_before
    assert not list(publish_dir.glob(".*.tmp")), "no staged file left behind"
