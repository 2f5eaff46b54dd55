"""Tabular meta check: automl-studio's whole jobs on the meta datasets, which are not benchmark sets.

Each (dataset, seed) is one job (``timeout_minutes`` from ``--minutes``) on a 75/25 split drawn with
the seed (stratified for classification), on ``../shared/datasets/meta`` (``AUTOML_META_DATA``
names another folder; at most 20,000 rows, as ``learn_portfolio.py`` reads them). The figures are
printed as JSON lines: the held-out AUC_weighted or r2 (the job's primary metric too), the wall time
of ``submit()``, the trials, the returned model, the trials that ran longer than ``--slow-seconds``
with how they ended, and those stopped after their first fold for their pace. To compare two
versions, run it from two checkouts (``PYTHONPATH``) with the same arguments and pair the lines by
(dataset, seed).

    python benchmarks/meta_jobs.py --seeds 0 1 2 [--datasets sonar glass] [--minutes 1]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

import pandas as pd
from sklearn.metrics import r2_score, roc_auc_score
from sklearn.model_selection import train_test_split

sys.path.insert(0, str(Path(__file__).resolve().parent))
from learn_portfolio import load_dataset, meta_folder  # noqa: E402

import automl  # noqa: E402

MAX_ROWS = 20_000


def held_out_score(result: automl.AutoMLResult, test: pd.DataFrame, target: str, classification: bool) -> float:
    """AUC_weighted (one-vs-rest for several classes) or r2 of the returned model on ``test``."""
    X, y = test.drop(columns=[target]), test[target]
    if not classification:
        return float(r2_score(y, result.predict(X)))
    proba = result.best_model.predict_proba(X)
    if proba.shape[1] == 2:
        return float(roc_auc_score(y, proba[:, 1]))
    return float(roc_auc_score(y, proba, multi_class="ovr", average="weighted",
                               labels=list(result.best_model.classes_)))


def run_job(name: str, entry: dict, frame: pd.DataFrame, seed: int, minutes: float, slow_seconds: float) -> dict:
    """One job on the seed's split of ``frame``; its figures."""
    target, classification = entry["target"], entry["task"] == "classification"
    train, test = train_test_split(frame, test_size=0.25, random_state=seed,
                                   stratify=frame[target] if classification else None)
    os.environ["MLFLOW_TRACKING_URI"] = f"sqlite:///{Path(tempfile.mkdtemp(prefix='meta-job-')) / 'mlflow.db'}"
    factory = automl.classification if classification else automl.regression
    job = factory(training_data=train, target_column_name=target, seed=seed,
                  primary_metric="AUC_weighted" if classification else "r2_score")
    job.set_limits(timeout_minutes=minutes)
    started = time.time()
    result = job.submit(show_progress=False)
    wall = time.time() - started
    slow = [[t.algorithm, round(t.duration_seconds, 1), t.status, (t.error or "")[:100]]
            for t in result.trials if t.ensemble is None and t.duration_seconds > slow_seconds]
    return {"dataset": name, "seed": seed, "minutes": minutes,
            "score": round(held_out_score(result, test, target, classification), 5), "wall": round(wall, 1),
            "trials": len(result.trials), "completed": sum(t.status == "Completed" for t in result.trials),
            "best": result.best_trial.display_name, "slow": slow,
            "stopped_for_pace": [[t.algorithm, round(t.duration_seconds, 1)] for t in result.trials
                                 if (t.error or "").startswith("skipped: its first fold")]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--datasets", nargs="*", default=[], help="meta dataset names (default: all)")
    parser.add_argument("--minutes", type=float, default=1.0)
    parser.add_argument("--slow-seconds", type=float, default=12.0)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    folder = meta_folder()
    manifest = json.loads((folder / "manifest.json").read_text())
    unknown = sorted(set(args.datasets) - set(manifest["datasets"]))
    if unknown:
        parser.error(f"not meta datasets: {', '.join(unknown)}")
    for seed in args.seeds:
        for name, entry in manifest["datasets"].items():
            if args.datasets and name not in args.datasets:
                continue
            frame = load_dataset(folder, entry, manifest.get("read_csv_kwargs", {}), MAX_ROWS)
            print(json.dumps(run_job(name, entry, frame, seed, args.minutes, args.slow_seconds)), flush=True)


if __name__ == "__main__":
    main()
