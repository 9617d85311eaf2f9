"""The raw contract is written twice on purpose (Python for the reader and generator, dbt
sources for the server): this keeps the two equal."""

from __future__ import annotations

import yaml
from conftest import PROJECT

from cs_kpi.raw_schema import RAW_TABLES


def test_sources_declare_the_contract_columns() -> None:
    declared: dict[str, list[tuple[str, bool]]] = {}
    for path in sorted(PROJECT.glob("models/staging/*/_*__sources.yml")):
        for source in yaml.safe_load(path.read_text(encoding="utf-8"))["sources"]:
            assert source["schema"] == "{{ var('raw_schema', 'raw') }}", path
            for table in source["tables"]:
                declared[table["name"]] = [(c["name"], c["meta"]["required"])
                                           for c in table["columns"]]
    expected = {t.file_stem: [(c, c in t.required) for c in t.columns] for t in RAW_TABLES}
    assert declared == expected
