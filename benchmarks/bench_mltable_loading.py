"""Benchmark: an MLTable folder of CSV files against ``pandas.read_csv``.

Issue 3 asks that loading a folder of 20 CSV files holding 1,000,000 rows in
total takes at most 1.5x the time ``pandas.read_csv`` needs for the same rows
in one concatenated file. This script generates the files in a temporary
folder, times both (median of several runs, after a warm-up), prints the
ratio and appends one JSON line to ``benchmarks/results/mltable_loading.jsonl``.

Usage::

    python benchmarks/bench_mltable_loading.py [--rows 1000000] [--files 20] [--repeats 7]

Exit status 1 with ``--check`` when the ratio is above the target.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow

from automl.data import from_delimited_files, load_mltable

TARGET_RATIO = 1.5
RESULTS = Path(__file__).resolve().parent / "results" / "mltable_loading.jsonl"


def make_frame(rows: int, seed: int = 0) -> pd.DataFrame:
    """Mixed columns: ints, floats, low- and high-cardinality text, flags, dates, gaps."""
    rng = np.random.default_rng(seed)
    cities = np.array([f"city_{i:04d}" for i in range(1000)])
    income = rng.normal(50_000, 15_000, rows).round(2)
    income[rng.random(rows) < 0.05] = np.nan
    days = rng.integers(0, 1500, rows)
    return pd.DataFrame(
        {
            "id": np.arange(rows),
            "age": rng.integers(18, 90, rows),
            "income": income,
            "score": rng.random(rows),
            "segment": rng.choice(["gold", "silver", "bronze", "none"], rows),
            "city": cities[rng.integers(0, len(cities), rows)],
            "active": rng.choice(["true", "false"], rows),
            "joined": pd.Timestamp("2020-01-01") + pd.to_timedelta(days, "D"),
        }
    )


def write_files(frame: pd.DataFrame, folder: Path, files: int) -> list[Path]:
    """Split ``frame`` into ``files`` CSVs and also write their concatenation."""
    parts = folder / "parts"
    parts.mkdir()
    paths = []
    for number, chunk in enumerate(np.array_split(np.arange(len(frame)), files)):
        path = parts / f"part-{number:03d}.csv"
        frame.iloc[chunk].to_csv(path, index=False, date_format="%Y-%m-%d")
        paths.append(path)
    frame.to_csv(folder / "all.csv", index=False, date_format="%Y-%m-%d")
    from_delimited_files({"pattern": str(parts / "*.csv")}).save(parts)
    return paths


def interleaved_medians(
    runs: dict[str, Callable[[], object]], repeats: int
) -> tuple[dict[str, float], dict[str, object]]:
    """Median wall time of each run, timed in turn so that machine load hits all alike.

    Each run is warmed up once; results are dropped (and garbage collected)
    between timings so that no run pays for another's memory.
    """
    results = {name: run() for name, run in runs.items()}
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            results[name] = None
            gc.collect()
            start = time.perf_counter()
            results[name] = run()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}, results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--check", action="store_true", help="exit 1 above the target ratio")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="bench_mltable_") as tmp:
        folder = Path(tmp)
        paths = write_files(make_frame(args.rows), folder, args.files)
        runs = {
            "mltable": lambda: load_mltable(folder / "parts"),
            "pandas_concatenated": lambda: pd.read_csv(folder / "all.csv"),
            "pandas_per_file": lambda: pd.concat(map(pd.read_csv, paths), ignore_index=True),
        }
        seconds, frames = interleaved_medians(runs, args.repeats)
    ours, single, per_file = (seconds[k] for k in runs)
    shapes = {name: frame.shape for name, frame in frames.items()}
    assert len(set(shapes.values())) == 1, shapes

    ratio = ours / single
    record = {
        "benchmark": "mltable_loading",
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "rows": args.rows,
        "files": args.files,
        "repeats": args.repeats,
        "mltable_seconds": round(ours, 4),
        "pandas_read_csv_concatenated_seconds": round(single, 4),
        "pandas_read_csv_per_file_seconds": round(per_file, 4),
        "ratio": round(ratio, 3),
        "ratio_vs_per_file": round(ours / per_file, 3),
        "target_ratio": TARGET_RATIO,
        "passed": ratio <= TARGET_RATIO,
        "python": platform.python_version(),
        "pandas": pd.__version__,
        "pyarrow": pyarrow.__version__,
        "cpus": os.cpu_count(),
    }
    print(
        f"MLTable folder ({args.files} CSV files, {args.rows:,} rows): {ours:.3f} s\n"
        f"pandas.read_csv, one concatenated file:   {single:.3f} s\n"
        f"pandas.read_csv per file + concat:        {per_file:.3f} s\n"
        f"ratio: {ratio:.2f}x (target <= {TARGET_RATIO}x) -> "
        f"{'PASS' if record['passed'] else 'FAIL'}"
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    with RESULTS.open("a", encoding="utf-8") as out:
        out.write(json.dumps(record) + "\n")
    print(f"result appended to {RESULTS}")
    return 1 if args.check and not record["passed"] else 0


if __name__ == "__main__":
    sys.exit(main())
