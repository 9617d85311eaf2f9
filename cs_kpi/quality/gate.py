"""Run the data-quality gate: the suites in expectations/*.yml against the built warehouse.

``python -m cs_kpi.quality.gate [--database PATH] [--raw-path DIR --raw-format csv|parquet]``

The raw suite checks the raw rows exactly as the build read them (rebuilt from the base
models, ``cs_kpi.raw_files.warehouse_raw_relation``), so it always validates the input the
warehouse was built from; ``--raw-path`` only states which input the caller expects, and the
gate refuses (exit 2) when the warehouse was built from another one, or (exit 1) when its
last build did not succeed.

Every expectation is evaluated by DuckDB through Great Expectations' SQL datasource (query
assets, see ``gx_duckdb``), so validation stays in the database at any scale. Prints one
line per failed expectation (suite, expectation, column, observed value, a few failing
values), builds Data Docs HTML, and exits 1 when a critical expectation fails (warnings are
printed, not fatal).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import great_expectations as gx
import yaml
from great_expectations.data_context.types.base import ProgressBarsConfig

from cs_kpi import spark_catalog
from cs_kpi.quality.gx_duckdb import enable_duckdb_persisted_connection
from cs_kpi.quality.offline_docs import make_offline
from cs_kpi.quality.result import GateResult, fingerprint, write_gate_result
from cs_kpi.raw_files import warehouse_raw_relation
from cs_kpi.warehouse import Warehouse, WarehouseError, as_warehouse, from_path
from cs_kpi.warehouse_state import (
    WarehouseBusy,
    describe_input,
    read_build_state,
    warehouse_lock,
)

PROJECT = Path(__file__).resolve().parents[2]
DEFAULT_DOCS = PROJECT / "expectations" / "uncommitted" / "data_docs"
RAW_PLACEHOLDER = re.compile(r"\{raw:(\w+)\}")
MARTS_REFERENCE = re.compile(r"\bmarts\.")


@dataclass(frozen=True)
class AssetSpec:
    """One table (or query) and the expectations on it, as read from a suite file."""

    layer: str
    name: str
    query: str
    expectations: list[dict] = field(default_factory=list)

    @property
    def suite_name(self) -> str:
        return f"{self.layer}.{self.name}"


@dataclass(frozen=True)
class Outcome:
    suite: str
    expectation: str
    column: str
    severity: str
    success: bool
    observed: str
    sample: str
    unexpected_rows_query: str = ""


def load_specs(folder: Path, kind: str = "duckdb", marts_schema: str = "marts") -> list[AssetSpec]:
    """The suites as written (DuckDB's marts schema, {raw:<table>} placeholders), for the
    warehouse's engine and the schema where its marts are built."""
    def localise(sql: str) -> str:
        sql = RAW_PLACEHOLDER.sub(lambda m: warehouse_raw_relation(m.group(1), kind), sql)
        return MARTS_REFERENCE.sub(f"{marts_schema}.", sql)

    specs = []
    for path in sorted(folder.glob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        for asset in document["assets"]:
            expectations = []
            for expectation in asset.get("expectations", []):
                kwargs = dict(expectation.get("kwargs", {}))
                if "unexpected_rows_query" in kwargs:
                    kwargs["unexpected_rows_query"] = localise(kwargs["unexpected_rows_query"])
                expectations.append({**expectation, "kwargs": kwargs})
            specs.append(AssetSpec(document["layer"], asset["name"], localise(asset["query"]),
                                   expectations))
    return specs


def unsupplied_tables(warehouse: Warehouse) -> list[str]:
    """Raw tables the last build's input did not supply (read as empty), from its record."""
    with warehouse.connect() as con:
        present = con.scalar(
            "select count(*) from information_schema.columns where table_schema = 'cs_kpi_meta' "
            "and table_name = 'build_state' and column_name = 'unsupplied_tables'")
        if not present:
            return []
        value = con.scalar("select unsupplied_tables from cs_kpi_meta.build_state")
    return [name for name in (value or "").split(",") if name]


def mark_unsupplied(specs: list[AssetSpec], tables: list[str]) -> list[AssetSpec]:
    """An empty table the user did not supply is a warning, not a broken export: the volume
    expectations of raw_<name> for those tables drop to severity warning."""
    marked = []
    for spec in specs:
        if spec.layer == "raw" and spec.name.removeprefix("raw_") in tables:
            expectations = [
                {**e, "severity": "warning",
                 "description": "Not supplied by this input (read as empty): "
                                + e.get("description", "")}
                if e["type"] == "expect_table_row_count_to_be_between" else e
                for e in spec.expectations]
            spec = AssetSpec(spec.layer, spec.name, spec.query, expectations)
        marked.append(spec)
    return marked


def _expectation(spec: dict) -> gx.expectations.Expectation:
    class_name = "".join(part.title() for part in spec["type"].split("_"))
    kwargs = dict(spec.get("kwargs", {}))
    kwargs["severity"] = spec.get("severity", "critical")
    if "description" in spec:
        kwargs["description"] = spec["description"]
    return getattr(gx.expectations, class_name)(**kwargs)


def _short(value: object, limit: int = 80) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _outcomes(suite: str, validation) -> list[Outcome]:
    outcomes = []
    for result in validation.results:
        config = result.expectation_config
        kwargs = config.kwargs
        column = kwargs.get("column") or ",".join(
            str(kwargs[k]) for k in ("column_A", "column_B") if k in kwargs
        )
        details = result.result or {}
        observed = details.get("observed_value", details.get("unexpected_count"))
        info = result.exception_info or {}
        if info and not info.get("raised_exception"):  # keyed by metric: the first that raised
            info = next((i for i in info.values()
                         if isinstance(i, dict) and i.get("raised_exception")), {})
        if info.get("raised_exception"):
            observed = "error: " + _short(str(info.get("exception_message")).splitlines()[0])
        sample = details.get("partial_unexpected_list") or details.get("details", {}).get(
            "unexpected_rows"
        )
        outcomes.append(Outcome(
            suite=suite, expectation=config.type, column=column or "",
            severity=str(getattr(config.severity, "value", config.severity)),
            success=bool(result.success), observed=_short(observed), sample=_short(sample, 120),
            unexpected_rows_query=kwargs.get("unexpected_rows_query") or "",
        ))
    return outcomes


def release_connections(source) -> None:
    """Close GE's persisted connection and every pooled one of the datasource's engines."""
    execution_engine = source.get_execution_engine()
    connection = getattr(execution_engine, "_connection", None)
    if connection is not None:
        connection.close()
        execution_engine._connection = None
    execution_engine.engine.dispose()
    source.get_engine().dispose()


def _add_source(context, warehouse: Warehouse):
    if warehouse.kind == "postgres":
        # No credentials in the URL: psycopg2 (libpq) reads PGHOST, PGPASSWORD, ... itself.
        return context.data_sources.add_sql(name="warehouse",
                                            connection_string="postgresql+psycopg2://")
    enable_duckdb_persisted_connection()
    return context.data_sources.add_sql(
        name="warehouse",
        connection_string=f"duckdb:///{warehouse.path.resolve()}",
        kwargs={"connect_args": {"read_only": True}},
    )


def run_gate(warehouse: Warehouse | Path, specs: list[AssetSpec], docs_dir: Path | None
             ) -> list[Outcome]:
    """Validate every asset; returns one outcome per expectation."""
    warehouse = as_warehouse(warehouse)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    if docs_dir is not None:
        docs_dir.mkdir(parents=True, exist_ok=True)
        context.add_data_docs_site(site_name="local", site_config={
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend",
                              "base_directory": str(docs_dir.resolve())},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        })
    source = _add_source(context, warehouse)
    layers: dict[str, list] = {}
    for spec in specs:
        asset = source.add_query_asset(name=spec.suite_name, query=spec.query)
        suite = context.suites.add(gx.ExpectationSuite(
            name=spec.suite_name, expectations=[_expectation(e) for e in spec.expectations]
        ))
        layers.setdefault(spec.layer, []).append(context.validation_definitions.add(
            gx.ValidationDefinition(name=spec.suite_name,
                                    data=asset.add_batch_definition_whole_table("all"),
                                    suite=suite)))
    actions = [gx.checkpoint.UpdateDataDocsAction(name="data_docs")] if docs_dir else []
    results = []
    try:
        # One checkpoint per layer, so a long gate says where it is.
        for layer, definitions in layers.items():
            started = time.perf_counter()
            print(f"  {layer}: {len(definitions)} suites ...", end="", flush=True)
            checkpoint = context.checkpoints.add(gx.Checkpoint(
                name=f"quality_gate_{layer}", validation_definitions=definitions,
                actions=actions,
            ))
            results.append(checkpoint.run())
            print(f" done in {time.perf_counter() - started:.1f} s", flush=True)
    finally:
        # The persisted connection (see gx_duckdb) would otherwise hold the DuckDB file open
        # with GE's configuration and block later connections in this process.
        release_connections(source)
    outcomes = []
    for result in results:
        for identifier, validation in result.run_results.items():
            suite = identifier.expectation_suite_identifier.name
            outcomes.extend(_outcomes(suite, validation))
    return _with_row_samples(warehouse, specs, outcomes)


def _with_row_samples(warehouse: Warehouse, specs: list[AssetSpec], outcomes: list[Outcome]
                      ) -> list[Outcome]:
    """Add up to three offending rows to failed unexpected-rows expectations.

    GE returns those rows only with result_format COMPLETE, which would also return every
    failing value of every other expectation; one bounded query per failure is cheaper.
    """
    asset_queries = {spec.suite_name: spec.query for spec in specs}
    failed = [o for o in outcomes if not o.success and o.unexpected_rows_query]
    samples: dict[int, str] = {}
    if failed:
        with warehouse.connect() as con:
            for outcome in failed:
                sql = outcome.unexpected_rows_query.replace(
                    "{batch}", f"({asset_queries[outcome.suite]}) as batch"
                )
                try:
                    rows = con.rows(f"select * from ({sql}) as failing limit 3")
                except Exception as error:  # the engine's error, first line: no row data
                    detail = str(error).strip().splitlines()[0] if str(error).strip() else ""
                    samples[id(outcome)] = f"(sample query failed: {_short(detail)})"
                    continue
                samples[id(outcome)] = _short(rows, 160)
    return [Outcome(**{**o.__dict__, "sample": samples.get(id(o), o.sample)}) for o in outcomes]


def report(outcomes: list[Outcome], engine: str = "DuckDB") -> str:
    by_layer: dict[str, list[Outcome]] = {}
    for outcome in outcomes:
        by_layer.setdefault(outcome.suite.split(".")[0], []).append(outcome)
    lines = [f"Data-quality gate (Great Expectations, evaluated in {engine}):"]
    for layer, items in by_layer.items():
        failed = [o for o in items if not o.success]
        suites = len({o.suite for o in items})
        lines.append(f"  {layer:<8} {suites:>3} suites  {len(items):>4} expectations  "
                     f"{len(failed):>3} failed")
    failures = [o for o in outcomes if not o.success]
    if failures:
        lines.append("")
        lines.append("Failed expectations "
                     "(severity, suite, expectation, column, observed, sample):")
        for o in sorted(failures, key=lambda o: (o.severity != "critical", o.suite)):
            lines.append(f"  [{o.severity.upper()}] {o.suite}  {o.expectation}  "
                         f"column={o.column or '-'}  observed={o.observed or '-'}  "
                         f"sample={o.sample or '-'}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", type=Path, default=None,
                        help="DuckDB file (default CS_KPI_DUCKDB_PATH or warehouse/cs_kpi.duckdb); "
                        "with CS_KPI_TARGET=postgres the server of the libpq variables")
    parser.add_argument("--expectations", type=Path, default=PROJECT / "expectations")
    parser.add_argument("--docs-dir", type=Path, default=DEFAULT_DOCS)
    parser.add_argument("--no-docs", action="store_true", help="skip Data Docs HTML")
    parser.add_argument("--raw-path", default=os.environ.get("CS_KPI_RAW_PATH"))
    parser.add_argument("--raw-format", default=os.environ.get("CS_KPI_RAW_FORMAT", "csv"))
    args = parser.parse_args(argv)
    warehouse = from_path(args.database)
    if not warehouse.exists():
        print(f"ERROR: no warehouse at {warehouse.label}: run the build first", file=sys.stderr)
        return 2
    try:
        with warehouse_lock(warehouse):
            return _validate(args, warehouse)
    except WarehouseBusy as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 1
    except WarehouseError as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 2


def _validate(args: argparse.Namespace, warehouse: Warehouse) -> int:
    state = read_build_state(warehouse)
    if state is None:
        print(f"ERROR: {warehouse.label} records no finished build: run the build first",
              file=sys.stderr)
        return 1
    if state.status != "succeeded":
        print(f"ERROR: the last build {'failed' if state.status == 'failed' else 'did not finish'}"
              "; nothing to validate", file=sys.stderr)
        return 1
    if args.raw_path is not None and not state.same_input(args.raw_path):
        print(f"ERROR: the warehouse was built from {describe_input(state)}, not from "
              f"{args.raw_path}: refusing to validate another input", file=sys.stderr)
        return 2
    started = time.perf_counter()
    checked_state = fingerprint(warehouse)
    specs = mark_unsupplied(load_specs(args.expectations, warehouse.kind, warehouse.marts_schema),
                            unsupplied_tables(warehouse))
    print(f"Validating the build of {describe_input(state)}: {len(specs)} suites ...", flush=True)
    outcomes = run_gate(warehouse, specs, None if args.no_docs else args.docs_dir)
    engine = ("PostgreSQL" if warehouse.kind == "postgres"
              else "DuckDB, over the Spark tables' Parquet files"
              if spark_catalog.is_catalog(warehouse.path) else "DuckDB")
    print(report(outcomes, engine))
    critical = [o for o in outcomes if not o.success and o.severity == "critical"]
    warnings = [o for o in outcomes if not o.success and o.severity != "critical"]
    print(f"\n{len(outcomes)} expectations: {len(outcomes) - len(critical) - len(warnings)} "
          f"passed, {len(warnings)} warnings, {len(critical)} critical failures "
          f"in {time.perf_counter() - started:.1f} s")
    if not args.no_docs:
        print(make_offline(args.docs_dir))
        print(f"Data Docs: {(args.docs_dir / 'index.html').resolve()}")
    write_gate_result(warehouse, GateResult(
        passed=not critical, expectations=len(outcomes), critical=len(critical),
        warnings=len(warnings), fingerprint=checked_state,
    ))
    if critical:
        print("QUALITY GATE FAILED", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
