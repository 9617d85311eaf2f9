"""The raw contract is written twice on purpose (Python for the reader and generator, dbt
sources for the server): this keeps the two equal."""

from __future__ import annotations

import yaml
from conftest import PROJECT

from cs_kpi.raw_schema import RAW_TABLES
from cs_kpi.vendor_schema import VENDOR_PROVIDES, VENDOR_TABLES


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


def test_vendor_sources_declare_the_loader_columns() -> None:
    """The vendor tables (models/sources/<vendor>/_<vendor>__sources.yml) and
    cs_kpi/vendor_schema.py, which the loader reads files with, declare the same columns."""
    declared: dict[str, tuple[list[tuple[str, bool]], bool]] = {}
    for path in sorted(PROJECT.glob("models/sources/*/_*__sources.yml")):
        for source in yaml.safe_load(path.read_text(encoding="utf-8"))["sources"]:
            for table in source["tables"]:
                declared[f"{source['name']}.{table['name']}"] = (
                    [(c["name"], c["meta"]["required"]) for c in table["columns"]],
                    table["meta"]["optional_table"])
    expected = {t.name: ([(c, c in t.required) for c in t.columns], t.optional_table)
                for t in VENDOR_TABLES}
    assert declared == expected


def test_source_systems_match_the_loader() -> None:
    """dbt's var source_systems (which mapping model provides which raw table) and the
    loader's VENDOR_PROVIDES name the same systems and tables."""
    project = yaml.safe_load((PROJECT / "dbt_project.yml").read_text(encoding="utf-8"))
    systems = project["vars"]["source_systems"]
    assert {name: set(tables) for name, tables in systems.items()} == {
        name: set(tables) for name, tables in VENDOR_PROVIDES.items()}
