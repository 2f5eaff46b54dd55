"""Benchmark: featurization speed on adult and peak memory on a 1,000,000 x 20 frame.

Two figures, each with a target:

- time of ``plan_featurization`` + ``fit`` + ``transform`` on adult (48,842 rows; the
  ``class`` target dropped): target under 3 s. The file comes from ``../shared/datasets``
  (next to the repository) unless ``AUTOML_BENCH_DATA`` names a folder holding
  ``adult.csv.gz`` or the file itself.
- peak resident memory (``ru_maxrss``) of a fresh process that generates a
  1,000,000-row frame of 20 mixed columns and plans, fits and transforms it: target
  under 8 GiB. The size of the process after generating the data is reported too.

The figures are printed and appended as one JSON line to
``benchmarks/results/featurization.jsonl``.

Usage::

    python benchmarks/bench_featurization.py [--rows 1000000] [--repeats 3] [--check]

Exit status 1 with ``--check`` when a target is missed.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run from a checkout without (re)installing the package
    sys.path.insert(0, str(ROOT))

from featurizers import plan_featurization  # noqa: E402

TARGET_SECONDS = 3.0
TARGET_PEAK_BYTES = 8 * 2**30
RESULTS = ROOT / "benchmarks" / "results" / "featurization.jsonl"


def adult_path() -> Path:
    """``AUTOML_BENCH_DATA`` (a folder or the file), else ``../shared/datasets/adult.csv.gz``."""
    override = os.environ.get("AUTOML_BENCH_DATA")
    base = Path(override) if override else ROOT.parent / "shared" / "datasets"
    return base if base.is_file() else base / "adult.csv.gz"


def featurize(X: pd.DataFrame):
    """Plan, fit and transform; return the output."""
    plan = plan_featurization(X)
    return plan.build().fit(X).transform(X)


def time_adult(path: Path, repeats: int) -> dict:
    """Seconds for plan + fit + transform on adult: the first run and the best of ``repeats``."""
    X = pd.read_csv(path, na_values="?").drop(columns=["class"])
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        out = featurize(X)
        times.append(time.perf_counter() - start)
    return {"adult_rows": len(X), "adult_features_out": int(out.shape[1]),
            "adult_seconds_first": round(times[0], 3), "adult_seconds_best": round(min(times), 3)}


def mixed_frame(rows: int, seed: int = 0) -> pd.DataFrame:
    """20 mixed columns: 8 numeric (gaps, inf), 2 small-int codes, 5 categoricals (one binary),
    a high-cardinality code, a date-time string, short text, an ID and a flag."""
    rng = np.random.default_rng(seed)
    frame = {}
    for i in range(8):
        values = rng.normal(size=rows)
        values[rng.random(rows) < 0.05] = np.nan
        values[rng.random(rows) < 0.001] = np.inf
        frame[f"num_{i}"] = values
    frame["code_a"] = rng.integers(0, 12, rows)
    frame["code_b"] = rng.integers(0, 30, rows)
    for i, levels in enumerate((5, 8, 20, 40)):
        cats = np.array([f"level_{k}" for k in range(levels)], dtype=object)[rng.integers(0, levels, rows)]
        cats[rng.random(rows) < 0.02] = None
        frame[f"cat_{i}"] = pd.Series(cats, dtype="str")
    frame["binary"] = pd.Series(np.where(rng.random(rows) < 0.3, "yes", "no"), dtype="str")
    frame["zone"] = pd.Series(np.char.add("zone_", rng.integers(0, 5000, rows).astype(str)), dtype="str")
    stamps = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 10**8, rows), unit="s")
    frame["when"] = pd.Series(stamps.strftime("%Y-%m-%d %H:%M:%S"), dtype="str")
    words = np.array(["red", "green", "blue", "fast", "slow", "car", "bike", "road", "city",
                      "late", "early", "rain", "sun", "ride", "home", "work"], dtype=object)
    text = words[rng.integers(0, 16, rows)]
    for _ in range(3):
        text = text + " " + words[rng.integers(0, 16, rows)]
    frame["note"] = pd.Series(text, dtype="str")
    frame["row_id"] = pd.Series(np.char.add("id-", rng.permutation(rows).astype(str)), dtype="str")
    frame["flag"] = rng.random(rows) < 0.5
    return pd.DataFrame(frame)


def max_rss_bytes() -> int:
    """Peak resident memory of this process (``ru_maxrss`` is KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)


def memory_child(rows: int) -> None:
    """Run in a fresh process: generate, featurize, print the figures as JSON."""
    X = mixed_frame(rows)
    after_data = max_rss_bytes()
    start = time.perf_counter()
    plan = plan_featurization(X)
    out = plan.build().fit(X).transform(X)
    seconds = time.perf_counter() - start
    purposes = sorted(set(plan.purposes.values()))
    print(json.dumps({"rows": rows, "columns": X.shape[1], "features_out": int(out.shape[1]),
                      "sparse": bool(plan.sparse_output), "purposes": purposes,
                      "seconds": round(seconds, 2), "rss_after_data_bytes": after_data,
                      "peak_rss_bytes": max_rss_bytes()}))


def measure_memory(rows: int) -> dict:
    """Peak memory of a fresh process featurizing ``rows`` rows."""
    done = subprocess.run([sys.executable, __file__, "--memory-child", str(rows)],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--memory-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_child:
        memory_child(args.memory_child)
        return 0
    speed = time_adult(adult_path(), args.repeats)
    memory = measure_memory(args.rows)
    gib = 2**30
    print(f"adult: plan + fit + transform {speed['adult_seconds_first']:.2f} s first run, "
          f"{speed['adult_seconds_best']:.2f} s best of {args.repeats} (target < {TARGET_SECONDS:.0f} s)")
    print(f"{memory['rows']:,} x {memory['columns']}: peak RSS {memory['peak_rss_bytes'] / gib:.2f} GiB "
          f"({memory['rss_after_data_bytes'] / gib:.2f} GiB after generating the data; "
          f"target < {TARGET_PEAK_BYTES / gib:.0f} GiB), {memory['seconds']:.1f} s, "
          f"{memory['features_out']:,} features, sparse={memory['sparse']}")
    passed = speed["adult_seconds_first"] < TARGET_SECONDS and memory["peak_rss_bytes"] < TARGET_PEAK_BYTES
    record = {"benchmark": "featurization", "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
              "python": platform.python_version(), "pandas": pd.__version__, "cpus": os.cpu_count(),
              **speed, "memory": memory, "target_seconds": TARGET_SECONDS,
              "target_peak_bytes": TARGET_PEAK_BYTES, "passed": passed}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    with RESULTS.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(record) + "\n")
    return 0 if passed or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
