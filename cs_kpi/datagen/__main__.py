"""Command line: ``python -m cs_kpi.datagen --scale 10 --out /tmp/raw [--format parquet]``."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from cs_kpi.datagen.build import generate
from cs_kpi.datagen.shards import SHARD_SCALE, generate_sharded
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
    formats = ["csv", "parquet"] if args.format == "both" else [args.format]
    if args.scale > SHARD_SCALE:
        written = generate_sharded(args.scale, args.seed, args.out, formats)
    else:
        written = write_tables(generate(args.scale, args.seed), args.out, formats)
    elapsed = time.perf_counter() - started
    total = sum(rows for path, rows in written if path.suffix == f".{formats[0]}")
    for path, rows in written:
        print(f"{rows:>12,} rows  {path}")
    print(f"generated {total:,} raw rows at scale {args.scale:g} in {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
