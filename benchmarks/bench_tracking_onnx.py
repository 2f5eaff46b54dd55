"""Benchmark: MLflow logging overhead per trial, and ONNX vs Python predict latency.

One ONNX-mode classification job on adult (``--rows`` sampled rows, ``--trials``
trials) is run twice after a small warm-up job, with tracking replaced by an
observer that does nothing and with MLflow tracking, each logging to a fresh SQLite store in a temporary
folder. Figures:

- per trial: the time a trial waits for its tracking hook (queueing the child
  run, on the job's thread) and the time its child run takes on the logging
  thread (``create_run`` + ``log_batch`` + ``set_terminated``);
- per job: the time the end of the job waits for the last logging (artifacts,
  the MLflow model, the checked ONNX model), and the wall time of both runs;
- predict latency of the best model, ``best_model.predict_proba`` against
  onnxruntime on the exported graph (feed conversion included and reported on
  its own): one row (median of ``--repeats`` calls) and a batch of 10,000 rows.

The data comes from ``../shared/datasets/adult.csv.gz`` (next to the repository)
unless ``AUTOML_BENCH_DATA`` names a folder holding ``adult.csv.gz`` or the file
itself. The figures are printed and appended as one JSON line to
``benchmarks/results/tracking_onnx.jsonl``.

Usage::

    python benchmarks/bench_tracking_onnx.py [--rows 20000] [--trials 6] [--repeats 200]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
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

import automl  # noqa: E402
import automl.jobs._default_observers as default_observers  # noqa: E402
from automl.export import onnx_feed, session  # noqa: E402
from automl.tracking import MlflowTracker  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "tracking_onnx.jsonl"
BATCH_ROWS = 10_000


def adult_path() -> Path:
    """``AUTOML_BENCH_DATA`` (a folder or the file), else ``../shared/datasets/adult.csv.gz``."""
    override = os.environ.get("AUTOML_BENCH_DATA")
    base = Path(override) if override else ROOT.parent / "shared" / "datasets"
    return base if base.is_file() else base / "adult.csv.gz"


class TimedTracker(MlflowTracker):
    """The tracker, timing its hook on the job's thread and its child runs on the logging thread."""

    hook_seconds: list[float] = []
    child_seconds: list[float] = []
    finish_seconds: list[float] = []

    def trial_finished(self, result) -> None:
        started = time.perf_counter()
        super().trial_finished(result)
        TimedTracker.hook_seconds.append(time.perf_counter() - started)

    def _log_trial(self, trial) -> None:
        started = time.perf_counter()
        super()._log_trial(trial)
        TimedTracker.child_seconds.append(time.perf_counter() - started)

    def job_finished(self, job, result) -> None:
        started = time.perf_counter()
        super().job_finished(job, result)
        TimedTracker.finish_seconds.append(time.perf_counter() - started)


class NoTracker:
    """An observer that does nothing, in place of the tracker."""

    def __init__(self, *args, **kwargs) -> None:
        pass

    def job_started(self, job, prepared) -> None:
        pass

    def trial_finished(self, result) -> None:
        pass

    def job_finished(self, job, result) -> None:
        pass


def run_job(frame: pd.DataFrame, trials: int, tracker: type, folder: Path):
    """One ONNX-mode job with ``tracker`` as the MLflow observer; returns (result, seconds)."""
    default_observers.MlflowTracker = tracker
    os.environ["MLFLOW_TRACKING_URI"] = f"sqlite:///{folder / 'mlflow.db'}"
    job = automl.classification(training_data=frame, target_column_name="class", log_verbosity="warning",
                                experiment_name="bench-tracking")
    job.set_limits(max_trials=trials, max_concurrent_trials=1)
    job.set_training(enable_onnx_compatible_models=True, enable_vote_ensemble=False,
                     enable_stack_ensemble=False)
    started = time.perf_counter()
    result = job.submit(show_progress=False)
    return result, time.perf_counter() - started


def _median_ms(call, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return round(1000 * statistics.median(times), 3)


def latency(result, X: pd.DataFrame, repeats: int) -> dict:
    """Predict latency of ``best_model`` and of its ONNX graph, one row and a batch."""
    with tempfile.TemporaryDirectory(prefix="bench-onnx-") as folder:  # the graph stays in memory
        exported = result.export_onnx(Path(folder) / "model.onnx")
    sess, kinds = session(exported.graph), exported.input_kinds
    one = X.head(1)
    batch = X.sample(BATCH_ROWS, replace=len(X) < BATCH_ROWS, random_state=0).reset_index(drop=True)
    feed_one, feed_batch = onnx_feed(one, kinds), onnx_feed(batch, kinds)
    return {
        "onnx_check": exported.check.to_dict(),
        "python_one_row_ms": _median_ms(lambda: result.best_model.predict_proba(one), repeats),
        "onnx_one_row_ms": _median_ms(lambda: sess.run(None, feed_one), repeats),
        "onnx_feed_one_row_ms": _median_ms(lambda: onnx_feed(one, kinds), repeats),
        "python_batch_ms": _median_ms(lambda: result.best_model.predict_proba(batch), 5),
        "onnx_batch_ms": _median_ms(lambda: sess.run(None, feed_batch), 5),
        "onnx_feed_batch_ms": _median_ms(lambda: onnx_feed(batch, kinds), 5),
        "batch_rows": BATCH_ROWS,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--trials", type=int, default=6)
    parser.add_argument("--repeats", type=int, default=200)
    args = parser.parse_args(argv)
    frame = pd.read_csv(adult_path(), na_values="?")
    frame = frame.sample(min(args.rows, len(frame)), random_state=0).reset_index(drop=True)
    with tempfile.TemporaryDirectory(prefix="bench-tracking-") as tmp:
        os.chdir(tmp)
        run_job(frame.head(500), 1, NoTracker, Path(tmp))  # warm-up: worker processes, imports
        plain, plain_seconds = run_job(frame, args.trials, NoTracker, Path(tmp))
        tracked, tracked_seconds = run_job(frame, args.trials, TimedTracker, Path(tmp))
        default_observers.MlflowTracker = MlflowTracker
        figures = latency(tracked, frame.drop(columns="class"), args.repeats)
    hooks, children = TimedTracker.hook_seconds, TimedTracker.child_seconds
    record = {
        "benchmark": "tracking_onnx", "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "python": platform.python_version(), "cpus": os.cpu_count(), "rows": len(frame),
        "trials": len(tracked.trials), "best": tracked.best_trial.display_name if tracked.best_trial else None,
        "tracking_errors": len(tracked.tracking_errors),
        "trial_hook_ms_mean": round(1000 * float(np.mean(hooks)), 3),
        "trial_hook_ms_max": round(1000 * float(np.max(hooks)), 3),
        "child_run_logging_ms_mean": round(1000 * float(np.mean(children)), 1),
        "job_end_wait_s": round(TimedTracker.finish_seconds[-1], 2),
        "job_seconds_without_tracking": round(plain_seconds, 2),
        "job_seconds_with_tracking": round(tracked_seconds, 2),
        **figures,
    }
    print(json.dumps(record, indent=1))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    with RESULTS.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(record) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
