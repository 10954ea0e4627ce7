"""Time crmscan's classification of a 1,000-row sample of a 50-column table, pinned to one core.

The issue's bar: "classification of a 1,000-row sample of a 50-column table takes well under a
second on one core". The table is the reference table's nine columns, repeated under other CRM-style
names (``email``, ``contact_email``, ``billing_email``, ...) until there are 50, 1,000 rows each.
Classification only (no free-text NLP, as ``Classifier.default()``), after a warm-up call; the
figure is the median of ``--repeat`` calls. Run with the project venv::

    .venv/bin/python benchmarks/wide.py [--repeat 5] [--columns 50] [--rows 1000]

Nothing here asserts on time: the figures are printed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import pandas as pd

BENCH_DIR = Path(__file__).resolve().parent
PREFIXES = ("", "contact_", "billing_", "shipping_", "primary_", "alt_")


def wide_frame(columns: int, rows: int) -> pd.DataFrame:
    """*columns* columns of *rows* rows built from the reference table's columns under new names."""
    sys.path.insert(0, str(BENCH_DIR))
    from make_table import make_frame

    base = make_frame(rows)
    out: dict[str, pd.Series] = {}
    for prefix in PREFIXES:
        for name in base.columns:
            if len(out) == columns:
                return pd.DataFrame(out)
            out[f"{prefix}{name}"] = base[name].reset_index(drop=True)
    raise ValueError(f"at most {len(PREFIXES) * len(base.columns)} columns")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--columns", type=int, default=50)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as the bar says
    from crmscan.classify.engine import Classifier

    frame = wide_frame(args.columns, args.rows)
    classifier = Classifier.default()
    classifier.classify_frame(frame.head(20))  # warm-up: regex compiles, lazy imports
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        results = classifier.classify_frame(frame)
        times.append(time.perf_counter() - start)
    sensitive = sum(1 for r in results if r.categories)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    median = statistics.median(times)
    print(
        f"{args.columns} columns x {args.rows} rows on {cores} core(s): median {median:.3f} s "
        f"(runs: {', '.join(f'{t:.3f}' for t in times)}); {sensitive} columns tagged sensitive"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
