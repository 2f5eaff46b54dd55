"""Benchmark: automl-studio side by side with FLAML, AutoGluon and default LightGBM.

Every tabular dataset of ``manifest.json`` (``../shared/datasets`` or
``$AUTOML_BENCH_DATA``), with its metric and its leaking columns dropped. Each
seed is a 75/25 split of its own (stratified for classification) and the
systems' seed: datasets of up to 10,000 rows run on seeds 0, 1 and 2, larger
ones on seed 0 (``--seeds`` sets them for all). A 250-row test split has an AUC
standard error of about 0.02, so the report counts a win or a loss against a
peer only where the mean paired difference exceeds its spread. The systems run one
after another in this invocation, each in its own process on the same cores, with
the same time budget. Per run: held-out score, wall time and overrun against the
budget, peak memory (the process and its children: the sum of their PSS, see
``_watch.py``), trials completed, the best
model's single-row latency (p50) and batch throughput in Python and, for
automl-studio, in ONNX Runtime; for automl-studio also the time from ``submit()``
to the first finished trial and the share of wall time outside model fitting
and prediction.

AutoGluon runs from its own environment (``.venv-autogluon``, made by
``make bench``: it needs pandas < 3); when that is missing it is reported as not
available. Results: JSON lines in ``benchmarks/results/tabular.jsonl`` and a
Markdown report ``benchmarks/results/tabular_<budget>s.md``: ``tabular_<budget>s_<systems>.md`` for a
run of some of the systems, with ``_partial`` (ignored by git) for a run of some datasets or seeds; a
full run (all datasets and systems) also refreshes the README's "Benchmarks" table.

Usage::

    python benchmarks/bench_tabular.py [--budget 60] [--seeds 0] [--datasets titanic adult]
                                       [--systems automl-studio FLAML]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _data import ROOT, RESULTS, append_result, manifest  # noqa: E402
from _systems import SYSTEMS  # noqa: E402
from _tabular_report import readme_update, render_markdown  # noqa: E402
from _watch import peaks_by_phase, run_watched  # noqa: E402

ENVIRONMENTS = {"main": Path(sys.executable), "autogluon": ROOT / ".venv-autogluon" / "bin" / "python"}
#: Datasets of up to this many rows run on ``SMALL_DATA_SEEDS`` (a split each), larger ones on ``LARGE_DATA_SEEDS``.
SMALL_DATA_ROWS, SMALL_DATA_SEEDS, LARGE_DATA_SEEDS = 10_000, (0, 1, 2), (0,)
#: A run still going after budget * HARD_CAP_FACTOR + HARD_CAP_SECONDS is ended and recorded so.
HARD_CAP_FACTOR, HARD_CAP_SECONDS = 3, 120


def availability(system: str) -> str | None:
    """None when ``system`` can run here, else why not."""
    spec = SYSTEMS[system]
    python = ENVIRONMENTS[spec.environment]
    if not python.exists():
        return f"{python.parent.parent.name} not found (make bench creates it)"
    probe = subprocess.run([str(python), "-c", f"import {spec.module}"], capture_output=True, text=True)
    if probe.returncode != 0:
        return f"import {spec.module} failed: {probe.stderr.strip().splitlines()[-1][:200]}"
    return None


def versions() -> dict[str, str]:
    """Library versions of the main environment (and AutoGluon's, when present)."""
    found = {}
    for dist in ["automl-studio", "flaml", "lightgbm", "xgboost", "scikit-learn", "pandas", "mlflow"]:
        try:
            found[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            pass
    python = ENVIRONMENTS["autogluon"]
    if python.exists():
        probe = subprocess.run([str(python), "-c", "from importlib.metadata import version;"
                                "print(version('autogluon.tabular'))"], capture_output=True, text=True)
        if probe.returncode == 0:
            found["autogluon.tabular"] = probe.stdout.strip()
    return found


def run_one(system: str, dataset: str, budget: float, seed: int) -> dict:
    """Run one system on one dataset in a fresh process, watching its memory (by phase of the run)."""
    python = ENVIRONMENTS[SYSTEMS[system].environment]
    with tempfile.TemporaryDirectory(prefix="automl-bench-") as scratch:
        out = Path(scratch) / "record.json"
        command = [str(python), str(Path(__file__).with_name("_run_one.py")), "--system", system,
                   "--dataset", dataset, "--budget", str(budget), "--seed", str(seed), "--out", str(out)]
        env = {**os.environ, "MLFLOW_TRACKING_URI": f"sqlite:///{Path(scratch) / 'mlflow.db'}"}
        stderr = Path(scratch) / "stderr.txt"
        watched = run_watched(command, env=env, cwd=scratch, stderr=stderr,
                              cap_seconds=budget * HARD_CAP_FACTOR + HARD_CAP_SECONDS)
        if watched.capped:
            return {"error": "ended by the harness: ran far past its budget"}
        if out.exists():
            record = json.loads(out.read_text())
        else:
            record = {"error": "no result; stderr: " + stderr.read_text()[-500:]}
    record["peak_memory_mb"] = round(watched.peak_bytes / 2**20)
    record["peak_rss_sum_mb"] = round(watched.peak_rss_bytes / 2**20)
    record["memory_by_phase_mb"] = peaks_by_phase(watched.samples, record.pop("phases", []))
    record["load_average"] = round(os.getloadavg()[0], 2)  # other work on the machine skews the figures
    return record


def seeds_for(entry: dict) -> tuple[int, ...]:
    """The seeds (splits) a dataset runs on: three for small data, where one split is too noisy."""
    rows = entry.get("rows")
    return SMALL_DATA_SEEDS if rows is not None and rows <= SMALL_DATA_ROWS else LARGE_DATA_SEEDS


def tabular_datasets() -> list[str]:
    return [name for name, e in manifest()["datasets"].items() if e["task"] in ("classification", "regression")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--budget", type=float, default=60.0, help="seconds per run (60 or 300)")
    parser.add_argument("--seeds", type=int, nargs="+", default=None,
                        help="seeds for every dataset (default: 0 1 2 up to 10,000 rows, else 0)")
    parser.add_argument("--datasets", nargs="+", default=None)
    parser.add_argument("--systems", nargs="+", default=list(SYSTEMS), choices=list(SYSTEMS))
    args = parser.parse_args()
    datasets = args.datasets or tabular_datasets()
    missing = {s: availability(s) for s in args.systems}
    for system, reason in missing.items():
        if reason:
            print(f"{system} is not available: {reason}")
    context = {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d"), "machine": platform.machine(),
               "cpus": os.cpu_count(), "memory_gib": round(psutil.virtual_memory().total / 2**30),
               "python_version": platform.python_version(), "versions": versions(), "budget": args.budget}
    records = []
    for dataset in datasets:
        entry = manifest()["datasets"][dataset]
        for seed in args.seeds or seeds_for(entry):
            for system in args.systems:
                if missing[system]:
                    continue
                record = {"dataset": dataset, "metric": entry["metric"], "system": system, "seed": seed,
                          **run_one(system, dataset, args.budget, seed)}
                print(json.dumps({k: record.get(k) for k in
                                  ("dataset", "system", "score", "wall_seconds", "trials", "error")}), flush=True)
                append_result("tabular.jsonl", {**context, **record})
                records.append(record)
    markdown = render_markdown(records, context, {s: r for s, r in missing.items() if r})
    # A run of some systems, datasets or seeds leaves the report of the last complete run as it is.
    systems = "" if set(args.systems) == set(SYSTEMS) else "_" + "_".join(args.systems)
    narrowed = "" if args.datasets is None and args.seeds is None else "_partial"
    report = RESULTS / f"tabular_{int(args.budget)}s{systems}{narrowed}.md"
    report.write_text(markdown)
    print(markdown)
    print(f"report: {report}")
    full_run = (args.datasets is None and args.seeds is None and set(args.systems) == set(SYSTEMS)
                and args.budget == 60)
    if full_run:
        readme_update(ROOT / "README.md", markdown)


if __name__ == "__main__":
    main()
