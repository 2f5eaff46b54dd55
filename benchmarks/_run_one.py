"""One benchmark run in its own process: one system, one dataset, one budget, one seed.

Started by ``bench_tabular.py`` (with the interpreter of the system's
environment); writes one JSON object to ``--out``. Peak memory is measured by
the parent over this process and its children; ``phases`` (name, start, end: epoch
seconds) let it say which part of the run the peak belongs to.
"""
from __future__ import annotations

import argparse
import importlib
import json
import statistics
import sys
import time
import traceback
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
from sklearn.metrics import r2_score, roc_auc_score

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _data import load_split  # noqa: E402
from _systems import SYSTEMS, Fitted, remove_scratch, scratch_dir  # noqa: E402

SINGLE_ROW_CALLS = 100
BATCH_ROWS = 10_000


def parse_dates(frame: pd.DataFrame, entry: dict) -> pd.DataFrame:
    """Apply the manifest's ``datetime_columns`` hint (the same frames for every system)."""
    for column in entry.get("datetime_columns", []):
        if column in frame.columns:
            frame[column] = pd.to_datetime(frame[column], errors="coerce")
    return frame


def held_out_score(fitted: Fitted, X: pd.DataFrame, y: pd.Series, entry: dict) -> float:
    """The manifest's metric on the test rows."""
    prediction = np.asarray(fitted.predict(X))
    if entry["metric"] == "r2_score":
        return float(r2_score(y.astype(float), prediction.astype(float)))
    classes = list(fitted.classes)
    if len(classes) == 2:
        positive = prediction[:, 1] if prediction.ndim == 2 else prediction
        return float(roc_auc_score((y == classes[1]).astype(int), positive))
    return float(roc_auc_score(y, prediction, multi_class="ovr", average="weighted", labels=classes))


def _median_ms(call: Callable[[], object], repeats: int, cap_seconds: float = 15.0) -> float:
    times, started = [], time.perf_counter()
    for _ in range(repeats):
        begin = time.perf_counter()
        call()
        times.append((time.perf_counter() - begin) * 1000)
        if time.perf_counter() - started > cap_seconds and len(times) >= 5:
            break
    return round(statistics.median(times), 3)


def latency(predict: Callable[[pd.DataFrame], np.ndarray], X: pd.DataFrame) -> dict:
    """Single-row p50 latency (ms) and batch throughput (rows/s) of ``predict``."""
    one = X.iloc[[0]]
    predict(one)  # warm-up
    batch = pd.concat([X] * (BATCH_ROWS // len(X) + 1), ignore_index=True).iloc[:BATCH_ROWS]
    begin = time.perf_counter()
    predict(batch)
    seconds = time.perf_counter() - begin
    return {"single_row_p50_ms": _median_ms(lambda: predict(one), SINGLE_ROW_CALLS),
            "batch_rows_per_s": round(BATCH_ROWS / seconds)}


def run(system: str, dataset: str, budget: float, seed: int) -> dict:
    """Train ``system`` on ``dataset`` under ``budget`` seconds; its figures."""
    spec = SYSTEMS[system]
    importlib.import_module(spec.module)  # imports are not part of the budget
    train, test, entry = load_split(dataset, seed)  # each seed is its own split, as well as the system's seed
    train, test = parse_dates(train, entry), parse_dates(test, entry)
    X_test, y_test = test.drop(columns=[entry["target"]]), test[entry["target"]]
    workdir, fitted = scratch_dir(), None
    try:
        started, fit_started = time.perf_counter(), time.time()
        fitted = spec.fit(train, entry, budget, seed, workdir)
        wall = time.perf_counter() - started
        return _export_and_score(fitted, wall, fit_started, X_test, y_test, entry, budget)
    finally:  # a full run is hundreds of jobs: their models and runs would fill the disk
        remove_scratch(workdir, fitted)


def _export_and_score(fitted: Fitted, wall: float, fit_started: float, X_test: pd.DataFrame, y_test: pd.Series,
                      entry: dict, budget: float) -> dict:
    """Export ``fitted`` (trained in ``wall`` seconds from ``fit_started``) and score it on the test rows."""
    phases = [["fit", fit_started, fit_started + wall], *fitted.extra.pop("stages", [])]
    exporting = time.time()
    onnx_predict = fitted.make_onnx_predict() if fitted.make_onnx_predict is not None else None
    phases.append(["onnx_export", exporting, time.time()])
    scoring = time.time()
    record = {"score": round(held_out_score(fitted, X_test, y_test, entry), 5),
              "wall_seconds": round(wall, 2), "overrun": round(wall / budget - 1, 3),
              "trials": fitted.trials, "best": fitted.best, **fitted.extra}
    record["python"] = latency(fitted.predict, X_test)
    if onnx_predict is not None:
        record["onnx"] = latency(onnx_predict, X_test)
    phases.append(["scoring", scoring, time.time()])
    record["phases"] = phases
    return record


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--system", required=True, choices=sorted(SYSTEMS))
    parser.add_argument("--dataset", required=True)
    parser.add_argument("--budget", type=float, required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    try:
        record = run(args.system, args.dataset, args.budget, args.seed)
    except Exception as exc:  # the harness records the failure and goes on with the next run
        record = {"error": f"{type(exc).__name__}: {exc}"[:500], "traceback": traceback.format_exc()[-2000:]}
    Path(args.out).write_text(json.dumps(record))


if __name__ == "__main__":
    main()
