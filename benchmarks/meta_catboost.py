"""Check on the meta datasets: does CatBoost pay its place in a job's default algorithms?

Each meta classification and regression dataset (``../shared/datasets/meta``, or
``AUTOML_META_DATA``; never the benchmark datasets) is split 75/25 (seed 0, stratified for
classification, at most ``MAX_ROWS`` rows). Two jobs run on the training rows, one after the other
with the same seed and budget: one with the default algorithms without CatBoost, one with them and
CatBoost. Both get the same explicit list, so the only difference is CatBoost. Each is scored on the
test rows (AUC weighted, one-vs-rest, or r2). One record per job goes to
``results/meta_catboost.jsonl``; the table gives the paired difference per dataset, and overall the
mean difference with its standard error across datasets and the count of each sign.

Usage::

    python benchmarks/meta_catboost.py [--budget 60] [--seed 0] [--only name1,name2]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import r2_score, roc_auc_score
from sklearn.model_selection import train_test_split

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _data import append_result  # noqa: E402
from learn_portfolio import load_dataset, meta_folder  # noqa: E402

MAX_ROWS = 20_000
METRICS = {"classification": "AUC_weighted", "regression": "r2_score"}
CATBOOST = {"classification": "CatBoostClassifier", "regression": "CatBoostRegressor"}


def held_out(task: str, model: object, X: pd.DataFrame, y: pd.Series) -> float:
    """AUC weighted one-vs-rest (classification) or r2 of ``model`` on the test rows."""
    if task == "regression":
        return float(r2_score(y.astype(float), np.asarray(model.predict(X), dtype=float)))
    classes = list(model.classes_)
    probabilities = np.asarray(model.predict_proba(X))
    if len(classes) == 2:
        return float(roc_auc_score((y == classes[1]).astype(int), probabilities[:, 1]))
    return float(roc_auc_score(y, probabilities, multi_class="ovr", average="weighted", labels=classes))


def run_job(task: str, train: pd.DataFrame, target: str, algorithms: list[str], budget: float,
            seed: int) -> tuple[object, dict]:
    """One job on ``train`` restricted to ``algorithms``; its result and a record of it."""
    import automl

    factory = automl.classification if task == "classification" else automl.regression
    job = factory(training_data=train, target_column_name=target, primary_metric=METRICS[task], seed=seed)
    job.set_limits(timeout_minutes=budget / 60)
    job.set_training(allowed_training_algorithms=algorithms)
    started = time.time()
    result = job.submit(show_progress=False)
    trials = [t for t in result.trials if t.ensemble is None]
    catboost = [t for t in trials if t.algorithm.startswith("CatBoost")]
    return result, {
        "wall_seconds": round(time.time() - started, 2), "trials": len(trials),
        "best": result.best_trial.display_name, "stop_reason": result.stop_reason,
        "catboost_trials": len(catboost), "catboost_failed": sum(not t.succeeded for t in catboost),
        "catboost_best_validation": max((t.score for t in catboost if t.succeeded), default=None),
    }


def default_algorithms(task: str, n_rows: int) -> list[str]:
    """The algorithms a job on ``n_rows`` rows trains by default, CatBoost left out."""
    from automl.tasks import get_task

    return [a.name for a in get_task(task).algorithms.select(None, None, n_rows=n_rows)
            if a.name != CATBOOST[task]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", default="", help="comma-separated dataset names")
    args = parser.parse_args()
    folder = meta_folder()
    manifest = json.loads((folder / "manifest.json").read_text())
    os.chdir(tempfile.mkdtemp(prefix="meta-catboost-"))
    os.environ.setdefault("MLFLOW_TRACKING_URI", f"sqlite:///{Path.cwd() / 'mlflow.db'}")
    wanted = {n for n in args.only.split(",") if n}
    differences = {}
    for name, entry in manifest["datasets"].items():
        task = entry["task"]
        if task not in METRICS or (wanted and name not in wanted):
            continue
        frame = load_dataset(folder, entry, manifest.get("read_csv_kwargs", {}), MAX_ROWS)
        target = entry["target"]
        stratify = frame[target] if task == "classification" else None
        train, test = train_test_split(frame, test_size=0.25, random_state=args.seed, stratify=stratify)
        base = default_algorithms(task, len(train))
        scores = {}
        for arm, algorithms in (("without", base), ("with", base + [CATBOOST[task]])):
            result, record = run_job(task, train, target, algorithms, args.budget, args.seed)
            scores[arm] = held_out(task, result.best_model, test.drop(columns=[target]), test[target])
            append_result("meta_catboost.jsonl", {"dataset": name, "task": task, "arm": arm,
                                                  "budget": args.budget, "seed": args.seed,
                                                  "score": round(scores[arm], 5), **record})
            print(name, arm, round(scores[arm], 4), record, flush=True)
        differences[name] = scores["with"] - scores["without"]
    print_table(differences)


def print_table(differences: dict[str, float]) -> None:
    """The paired difference per dataset, then their mean, standard error and signs."""
    print("\n| dataset | with CatBoost − without |\n|---|---|")
    for name, difference in differences.items():
        print(f"| {name} | {difference:+.4f} |")
    values = list(differences.values())
    if len(values) > 1:
        error = statistics.stdev(values) / len(values) ** 0.5
        print(f"\nmean {statistics.fmean(values):+.4f} ± {error:.4f} (standard error over {len(values)} "
              f"datasets), median {statistics.median(values):+.4f}; better on "
              f"{sum(v > 0.001 for v in values)}, worse on {sum(v < -0.001 for v in values)}, "
              f"within 0.001 on {sum(abs(v) <= 0.001 for v in values)}.")


if __name__ == "__main__":
    main()
