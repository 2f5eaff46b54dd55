"""Benchmark: batch scoring of a 1,000,000-row folder with the ONNX graph and with the Python model.

One ONNX-compatible classification job on adult (``--train-rows`` rows, one
LightGBM trial) gives the two models: its exported ``model.onnx`` (scored with
onnxruntime) and its MLflow model folder (the cloudpickled scikit-learn
pipeline). The adult features are resampled into a folder of ``--files`` CSV
files holding ``--rows`` rows in all, and each model scores the folder with
:func:`automl.batch.score_batch` (what ``automl predict`` runs) in a fresh
process, so that its peak memory is its own; the models take turns
(``--batch-repeats`` runs each, the fastest counts) so that both see the same
machine load. Figures per model: rows per second of the scoring (file reading,
featurization, prediction and writing the CSV), the process's peak resident
memory, and the median latency of one row through the scorer (feed conversion
included; the models take turns in blocks of calls).

Targets: the ONNX graph scores at least as many rows per second as the Python
model, and its single-row latency is at least 10 times lower.

The data comes from ``../shared/datasets/adult.csv.gz`` (next to the repository)
unless ``AUTOML_BENCH_DATA`` names a folder holding it. The figures are appended
as one JSON line to ``benchmarks/results/batch_scoring.jsonl`` and printed as a
Markdown table.

Usage::

    python benchmarks/bench_batch_scoring.py [--rows 1000000] [--files 100] [--repeats 300]
                                             [--batch-repeats 2] [--results PATH]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run from a checkout without (re)installing the package
    sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "benchmarks" / "results" / "batch_scoring.jsonl"
TARGET = "class"


def adult_path() -> Path:
    """``AUTOML_BENCH_DATA`` (a folder or the file), else ``../shared/datasets/adult.csv.gz``."""
    override = os.environ.get("AUTOML_BENCH_DATA")
    base = Path(override) if override else ROOT.parent / "shared" / "datasets"
    return base if base.is_file() else base / "adult.csv.gz"


def train(frame: pd.DataFrame, folder: Path) -> dict[str, Path]:
    """One LightGBM trial in ONNX mode; returns the paths of model.onnx and the MLflow folder."""
    import automl
    from automl.tracking import save_sklearn_model

    job = automl.classification(training_data=frame, target_column_name=TARGET, tracking_uri=False,
                                validation_data_size=0.2, log_verbosity="warning")
    job.set_limits(max_trials=1, max_concurrent_trials=1, timeout_minutes=5)
    job.set_training(allowed_training_algorithms=["LightGBM"], enable_onnx_compatible_models=True,
                     enable_vote_ensemble=False, enable_stack_ensemble=False)
    result = job.submit(show_progress=False)
    result.export_onnx(folder / "model.onnx")
    save_sklearn_model(result.best_model, folder / "mlflow-model", result.check_rows)
    return {"onnx": folder / "model.onnx", "python": folder / "mlflow-model"}


def write_folder(features: pd.DataFrame, rows: int, files: int, folder: Path) -> None:
    """``rows`` rows resampled from ``features`` into ``files`` CSV files."""
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    per_file = rows // files
    for i in range(files):
        count = per_file + (1 if i < rows % files else 0)
        features.iloc[rng.integers(0, len(features), count)].to_csv(folder / f"part_{i:04d}.csv", index=False)


def score_in_child(model: Path, data: Path, output: Path) -> dict:
    """Score in a fresh process (``--worker``); its figures come back as JSON."""
    done = subprocess.run([sys.executable, __file__, "--worker", str(model), str(data), str(output)],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def worker(model: str, data: str, output: str) -> None:
    """The child: score the folder, print seconds, rows and peak memory as JSON."""
    from automl.batch import score_batch

    done = score_batch(model, data, output)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"status": done.status, "rows": done.rows, "seconds": round(done.seconds, 2),
                      "rows_per_second": round(done.rows_per_second), "peak_memory_mib": round(peak_mib)}))


def single_row_ms(models: dict[str, Path], row: pd.DataFrame, repeats: int, blocks: int = 6) -> dict[str, float]:
    """Median milliseconds of one row through each scorer. The models take turns in blocks of
    calls (so both see the same machine load; within a block, the threads of the other model's
    last call have gone idle); the first call of each block is not counted."""
    from automl.batch import load_scorer

    scorers = {kind: load_scorer(model, threads=1) for kind, model in models.items()}
    times: dict[str, list[float]] = {kind: [] for kind in scorers}
    per_block = max(1, repeats // blocks)
    for _ in range(blocks):
        for kind, scorer in scorers.items():
            scorer.predict(row)
            for _ in range(per_block):
                started = time.perf_counter()
                scorer.predict(row)
                times[kind].append(time.perf_counter() - started)
    return {kind: round(1000 * statistics.median(values), 3) for kind, values in times.items()}


def markdown(record: dict) -> str:
    """The figures as a Markdown table."""
    lines = ["| model | rows/s | seconds | peak memory (MiB) | single-row latency (ms) |",
             "|---|---:|---:|---:|---:|"]
    for kind in ("onnx", "python"):
        figures = record[kind]
        lines.append(f"| {kind} | {figures['rows_per_second']:,} | {figures['seconds']} | "
                     f"{figures['peak_memory_mib']:,} | {figures['single_row_ms']} |")
    lines.append(f"\n{record['rows']:,} rows in {record['files']} files, {record['cpus']} CPUs. "
                 f"ONNX/Python throughput {record['throughput_ratio']}x (target >= 1), "
                 f"Python/ONNX single-row latency {record['latency_ratio']}x (target >= 10): "
                 f"targets {'met' if record['targets_met'] else 'NOT met'}.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--files", type=int, default=100)
    parser.add_argument("--train-rows", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=300, help="single-row calls per model")
    parser.add_argument("--batch-repeats", type=int, default=2, help="folder scorings per model")
    parser.add_argument("--results", type=Path, default=RESULTS, help="JSON lines file to append to")
    parser.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(*args.worker)
        return 0
    os.environ["AUTOML_TRACKING"] = "off"
    frame = pd.read_csv(adult_path(), na_values="?")
    features = frame.drop(columns=TARGET)
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        tmp = Path(tmp)
        models = train(frame.sample(min(args.train_rows, len(frame)), random_state=0), tmp)
        write_folder(features, args.rows, args.files, tmp / "data")
        record = {"benchmark": "batch_scoring", "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                  "python_version": platform.python_version(), "cpus": os.cpu_count(), "rows": args.rows,
                  "files": args.files, "model": "LightGBM (one trial, ONNX mode)"}
        runs: dict[str, list[dict]] = {kind: [] for kind in models}
        for _ in range(args.batch_repeats):  # interleaved; the fastest run of each counts
            for kind, model in models.items():
                runs[kind].append(score_in_child(model, tmp / "data", tmp / f"{kind}.csv"))
        latency = single_row_ms(models, features.head(1), args.repeats)
        for kind in models:
            record[kind] = max(runs[kind], key=lambda r: r["rows_per_second"])
            record[kind]["rows_per_second_runs"] = [r["rows_per_second"] for r in runs[kind]]
            record[kind]["single_row_ms"] = latency[kind]
    onnx, python = record["onnx"], record["python"]
    record["throughput_ratio"] = round(onnx["rows_per_second"] / python["rows_per_second"], 2)
    record["latency_ratio"] = round(python["single_row_ms"] / onnx["single_row_ms"], 1)
    record["targets_met"] = bool(record["throughput_ratio"] >= 1 and record["latency_ratio"] >= 10)
    args.results.parent.mkdir(parents=True, exist_ok=True)
    with args.results.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(record) + "\n")
    print(markdown(record))
    return 0


if __name__ == "__main__":
    sys.exit(main())
