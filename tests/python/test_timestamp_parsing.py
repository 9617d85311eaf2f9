"""parse_timestamp (macros/parsing/parse_values.sql) against an independent Python reading of
SPEC part A's timestamp rule, on generated strings near every edge of the rule.

The macro has a fast path (DuckDB's own cast for short values) and a regexp path; this test
is what keeps the two equal to the rule.
"""

from __future__ import annotations

import itertools
import json
import random
import re
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
from conftest import dbt

ISO = re.compile(
    r"([0-9]{4}-[0-9]{2}-[0-9]{2})[Tt ](([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9])"
    r"(?:[.]([0-9]{1,6})[0-9]*)?(?:[Zz]|([+-])(0[0-9]|1[0-4]):?([0-5][0-9])?)?"
)


def reference_parse(text: str | None) -> datetime | None:
    """UTC timestamp of an ISO 8601 text, or None: SPEC part A, written without SQL."""
    if text is None:
        return None
    match = ISO.fullmatch(text)
    if match is None or text.startswith("0000"):
        return None
    day, clock, _hour, fraction, sign, offset_hours, offset_minutes = match.groups()
    try:
        value = datetime.strptime(f"{day} {clock}", "%Y-%m-%d %H:%M:%S")
    except ValueError:  # an impossible date such as 2023-02-29
        return None
    value += timedelta(microseconds=int((fraction or "").ljust(6, "0")))
    if sign:
        offset = timedelta(hours=int(offset_hours), minutes=int(offset_minutes or 0))
        value = value - offset if sign == "+" else value + offset
    return value


def fuzzed_texts(count: int, seed: int = 11) -> list[str]:
    """Valid and nearly valid ISO texts: every part varied across and beyond its range."""
    rng = random.Random(seed)
    # (valid choices, invalid or edge choices) per part; each part is valid 3 times in 4.
    # Years stay inside what Python datetime holds after an offset is applied.
    parts = [
        (["2026", "1000", "9998", "1999"], ["0000", "26", "20266", "+202"]),
        (["01", "02", "12"], ["13", "00", "1"]),
        (["01", "28", "29", "30", "31"], ["32", "00", "1"]),
        (["T", "t", " "], ["  ", "_", ""]),
        (["00", "09", "23"], ["24", "7"]),
        (["00", "59"], ["60", "5"]),
        (["00", "59"], ["60", "5"]),
        (["", "", ".1", ".123", ".123456", ".1234567", ".9999999", ".12345678901"], ["."]),
        (["", "", "Z", "z", "+02:00", "-05:30", "+14:00", "+0230", "+02", "-00:00"],
         ["+15:00", "-1", "+02:60", "UTC", " Z", "+02:00:00"]),
    ]
    texts = []
    for _ in range(count):
        year, month, day, sep, hour, minute, second, fraction, zone = (
            rng.choice(valid if rng.random() < 0.75 else edge) for valid, edge in parts)
        texts.append(f"{year}-{month}-{day}{sep}{hour}:{minute}:{second}{fraction}{zone}")
    # Every separator x zone x fraction on one valid instant, and the usual non-ISO forms.
    every = [valid + edge for valid, edge in parts]
    for sep, fraction, zone in itertools.product(every[3], every[7], every[8]):
        texts.append(f"2024-02-29{sep}23:59:59{fraction}{zone}")
    texts += ["2023-02-29T12:00:00Z", "2026-03-04", "2026/03/04 10:00:00", "04.03.2026",
              "now", "infinity", "epoch", "yesterday 10:00", "2026-03-04T10:00:00Z\n"]
    return texts


def test_parse_timestamp_matches_the_spec_rule(tmp_path: Path) -> None:
    compiled = dbt(["compile", "--quiet", "--output", "json", "--inline",
                    "select {{ parse_timestamp('x') }} as parsed from texts"],
                   tmp_path / "compile.duckdb")
    select = json.loads(compiled.stdout)["compiled"]
    texts = fuzzed_texts(40_000)
    connection = duckdb.connect()
    connection.execute("create table texts (i integer, x varchar)")
    connection.execute("insert into texts select unnest(?), unnest(?)",
                       [list(range(len(texts))), texts])
    with_index = select.replace(" as parsed from texts", " as parsed, i from texts")
    parsed = connection.execute(f"select i, parsed from ({with_index}) order by i").fetchall()

    assert len(parsed) == len(texts)
    mismatches = [(texts[i], value, reference_parse(texts[i]))
                  for i, value in parsed if value != reference_parse(texts[i])]
    assert not mismatches, f"{len(mismatches)} texts parsed differently, e.g. {mismatches[:5]}"
    # The sample must reach both paths of the macro and the invalid cases.
    valid = [t for t in texts if reference_parse(t) is not None]
    assert sum(len(t) <= 20 for t in valid) > 200
    assert sum(len(t) > 20 for t in valid) > 1_000
    assert len(texts) - len(valid) > 5_000
