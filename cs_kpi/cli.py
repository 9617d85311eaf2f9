"""The project's one command line: ``cs-kpi <command> [options]`` (``cs-kpi <command> --help``).

Commands:
  build      the whole pipeline: preflight, dbt build, summary, gate, publish, dashboard
  check      preflight of a raw folder (files, encoding, headers, required columns)
  load       load a raw folder (or vendor exports) into the warehouse
  summary    where every raw row went, reject reasons, headline KPIs
  validate   the data-quality gate (Great Expectations) on the built warehouse
  publish    write-audit-publish: the validated marts for BI tools
  slim-ci    build and test only the models a change touches (state:modified+, deferred)
  dashboard  render the dashboard from the published marts
  generate   generate raw data (any scale, CSV or Parquet)
  bench      the benchmark (from a checkout of the project: it needs bench/)

Exit codes (every command): 0 success; 1 a build, test, gate or publish failed, or another
build holds the warehouse; 2 bad input or usage (unreadable raw files, unknown command,
unreachable server); 130 interrupted.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable

# command -> (module, one-line help); each module has main(argv) -> exit code.
COMMANDS: dict[str, tuple[str, str]] = {
    "build": ("cs_kpi.pipeline", "the whole pipeline"),
    "check": ("cs_kpi.preflight", "preflight of a raw folder"),
    "load": ("cs_kpi.load", "load raw files or vendor exports into the warehouse"),
    "summary": ("cs_kpi.summary", "what the last build did"),
    "validate": ("cs_kpi.quality.gate", "the data-quality gate"),
    "publish": ("cs_kpi.publish", "publish the validated marts"),
    "slim-ci": ("cs_kpi.slim_ci", "build and test only what a change touches"),
    "dashboard": ("cs_kpi.dashboard.build", "render the dashboard"),
    "generate": ("cs_kpi.datagen.__main__", "generate raw data"),
    "bench": ("bench.run", "the benchmark (project checkout only)"),
}


def _entry(command: str) -> Callable[[list[str]], int]:
    module_name, _ = COMMANDS[command]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as missing:
        raise SystemExit(f"cs-kpi {command}: {missing.name} is not available "
                         "(run it from a checkout of the project)") from None
    return module.main


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help", "help"):
        print(__doc__)
        return 0 if args else 2
    command, rest = args[0], args[1:]
    if command not in COMMANDS:
        print(f"cs-kpi: unknown command '{command}' (one of: {', '.join(COMMANDS)})",
              file=sys.stderr)
        return 2
    sys.argv = [f"cs-kpi {command}", *rest]  # argparse shows the right program name
    try:
        return int(_entry(command)(rest) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
