"""Benchmark: the studio-style report of a 100-trial job on adult, its size and how fast it opens.

One classification job on adult (the manifest's 75/25 split, ``--rows`` training
rows sampled from it, the test part given as test data so every section is there)
runs ``--trials`` trials of small, fast learners (LightGBM and LogisticRegression,
two at a time, a one-minute trial budget, no early termination). Its
report is built, written, and opened ``--opens`` times in headless Chromium
(a fresh browser each time). Figures: report build seconds, file size, load
time (navigation to the load event; median and max), script errors, and the
screenshot's pixel spread. The issue's targets: under 5 MB, opens in under 2 s.

The data comes from ``../shared/datasets`` unless ``AUTOML_BENCH_DATA`` names the
folder. The figures are printed and appended as one JSON line to
``benchmarks/results/report.jsonl``; the script exits 1 when a target is missed.

Usage::

    python benchmarks/bench_report.py [--trials 100] [--rows 10000] [--opens 3] [--keep report.html]
"""
from __future__ import annotations

import argparse
import io
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run from a checkout without (re)installing the package
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import automl  # noqa: E402
from _data import append_result, load_split  # noqa: E402
from automl.report import build_report  # noqa: E402
from automl.report.browser import find_chromium, render_page  # noqa: E402

MAX_BYTES = 5 * 1024 * 1024
MAX_OPEN_SECONDS = 2.0


def run_job(trials: int, rows: int | None):
    """The adult job: ``trials`` trials (ensembles included) of LightGBM and LogisticRegression,
    on ``rows`` training rows sampled from the split (all of them when None)."""
    train, test, entry = load_split("adult")
    if rows is not None and rows < len(train):
        train = train.sample(n=rows, random_state=0)
    job = automl.classification(training_data=train, test_data=test, target_column_name=entry["target"],
                                primary_metric=entry["metric"], name="bench_report_adult",
                                log_verbosity="warning", tracking_uri=False)
    job.set_limits(max_trials=trials, max_concurrent_trials=2, timeout_minutes=60,
                   trial_timeout_minutes=1, enable_early_termination=False)
    job.set_training(allowed_training_algorithms=["LightGBM", "LogisticRegression"])
    return job.submit(show_progress=False), len(test)


def pixel_spread(png: bytes) -> float:
    from PIL import Image

    return float(np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=float).std())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--opens", type=int, default=3)
    parser.add_argument("--rows", type=int, default=10_000,
                        help="training rows sampled from adult's split; 0 for all 36,631")
    parser.add_argument("--keep", type=Path, default=None, help="also write the report here")
    args = parser.parse_args(argv)
    os.environ.setdefault("AUTOML_TRACKING", "off")

    started = time.perf_counter()
    result, test_rows = run_job(args.trials, args.rows or None)
    job_seconds = time.perf_counter() - started
    started = time.perf_counter()
    html = build_report(result)
    build_seconds = time.perf_counter() - started
    size = len(html.encode("utf-8"))

    binary = find_chromium()
    loads, errors, spread = [], [], None
    with tempfile.TemporaryDirectory(prefix="bench-report-") as folder:
        path = Path(folder) / "report.html"
        path.write_text(html, encoding="utf-8")
        if args.keep:
            args.keep.write_text(html, encoding="utf-8")
        for _ in range(args.opens if binary else 0):
            page = render_page(path, "document.querySelectorAll('main > section').length", binary=binary)
            loads.append(page.load_seconds)
            errors += page.errors + [f"dialog: {d}" for d in page.dialogs]
            spread = pixel_spread(page.screenshot)

    record = {
        "benchmark": "report", "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "python": platform.python_version(), "cpus": os.cpu_count(), "dataset": "adult",
        "rows": int(result.data_shape[0]), "test_rows": test_rows, "max_trials": args.trials,
        "trials": len(result.trials), "stop_reason": result.stop_reason,
        "trial_statuses": {s: sum(t.status == s for t in result.trials) for s in {t.status for t in result.trials}},
        "job_seconds": round(job_seconds, 1), "explanation_seconds": round(result.timings.get("explanation", 0), 2),
        "report_build_seconds": round(build_seconds, 2), "report_bytes": size,
        "report_mb": round(size / 1024 / 1024, 3),
        "open_seconds_median": round(statistics.median(loads), 3) if loads else None,
        "open_seconds_max": round(max(loads), 3) if loads else None, "opens": len(loads),
        "script_errors": errors, "screenshot_pixel_std": round(spread, 1) if spread is not None else None,
        "browser": Path(binary).name if binary else None,
    }
    print("\n".join(f"{k}: {v}" for k, v in record.items()))
    append_result("report.jsonl", record)
    missed = []
    if size >= MAX_BYTES:
        missed.append(f"report is {size / 1e6:.2f} MB (target < 5 MB)")
    if not loads:
        missed.append("no Chromium to open the report in (apt-get install chromium)")
    elif max(loads) >= MAX_OPEN_SECONDS:
        missed.append(f"report opened in {max(loads):.2f} s (target < {MAX_OPEN_SECONDS} s)")
    if errors:
        missed.append(f"script errors: {errors}")
    for line in missed:
        print(f"MISSED: {line}", file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
