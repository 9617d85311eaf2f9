"""Command line: ``python -m cs_kpi.datagen --scale 10 --out /tmp/raw [--format parquet]``."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from cs_kpi.datagen.build import generate
from cs_kpi.datagen.writer import write_tables


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m cs_kpi.datagen", description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="1 = a few thousand rows/table")
    parser.add_argument("--seed", type=int, default=20260301)
    parser.add_argument("--out", type=Path, required=True, help="folder for raw_<name>.<ext>")
    parser.add_argument("--format", choices=["csv", "parquet", "both"], default="csv")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    started = time.perf_counter()
    tables = generate(args.scale, args.seed)
    formats = ["csv", "parquet"] if args.format == "both" else [args.format]
    written = write_tables(tables, args.out, formats)
    elapsed = time.perf_counter() - started
    total = sum(len(frame) for frame in tables.values())
    for path, rows in written:
        print(f"{rows:>12,} rows  {path}")
    print(f"generated {total:,} raw rows at scale {args.scale:g} in {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
