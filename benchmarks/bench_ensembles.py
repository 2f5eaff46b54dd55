"""Held-out scores with ensembles on, and the time ensembling took (issue 7).

Runs automl-studio on titanic, bank_marketing and diamonds (the manifest's split) and reports,
per dataset, the held-out primary metric of the best single trial and of each ensemble, and
the seconds spent building the ensembles. Usage: ``python benchmarks/bench_ensembles.py``.
"""
from __future__ import annotations

import datetime
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _data import append_result, load_split  # noqa: E402

import automl  # noqa: E402
from automl import metrics  # noqa: E402
from automl.tasks import get_task  # noqa: E402
from automl.tasks.tabular import prepare, refit_trial  # noqa: E402

DATASETS = ("titanic", "bank_marketing", "diamonds")


def held_out(model, test, entry, metric):
    X, y = test.drop(columns=entry["target"]), test[entry["target"]].to_numpy()
    if entry["task"] == "classification":
        return metrics.score_classification(y, model.predict_proba(X), np.asarray(model.classes_))[metric]
    train_y = y.astype(float)
    return metrics.score_regression(train_y, model.predict(X), y_min=train_y.min(),
                                    y_max=train_y.max())[metric]


def run(name: str, budget_minutes: float = 2.0) -> dict:
    train, test, entry = load_split(name)
    metric = entry["metric"]
    factory = automl.classification if entry["task"] == "classification" else automl.regression
    job = factory(training_data=train, target_column_name=entry["target"], primary_metric=metric,
                  log_verbosity="warning")
    job.set_limits(timeout_minutes=budget_minutes, max_trials=20)
    started = time.monotonic()
    result = job.submit(show_progress=False)
    wall = time.monotonic() - started
    singles = [t for t in result.trials if t.ensemble is None and t.succeeded]
    best_single = min(singles, key=lambda t: get_task(job.task).sort_key(metric)(t.score))
    record = {"dataset": name, "metric": metric, "budget_minutes": budget_minutes,
              "wall_seconds": round(wall, 1), "best_single": best_single.display_name,
              "best_single_heldout": held_out(refit_trial(best_single, _prepared(job, train)), test,
                                              entry, metric)}
    for trial in result.trials:
        if trial.ensemble is not None and trial.succeeded:
            model = refit_trial(trial, _prepared(job, train))
            record[f"{trial.algorithm}_heldout"] = held_out(model, test, entry, metric)
            record[f"{trial.algorithm}_seconds"] = round(trial.duration_seconds, 2)
    record["ensembling_share_of_wall"] = round(
        sum(t.duration_seconds for t in result.trials if t.ensemble is not None) / wall, 4)
    return record


_CACHE: dict = {}


def _prepared(job, train):
    key = id(job)
    if key not in _CACHE:
        _CACHE[key] = prepare(job.data, job.featurization, task=get_task(job.task))
    return _CACHE[key]


def main() -> None:
    today = datetime.date.today().isoformat()
    print(f"{'dataset':<16} {'metric':<36} {'best single':>12} {'Voting':>9} {'Stack':>9} {'ens. s':>7}")
    for name in DATASETS:
        record = {"date": today, **run(name)}
        append_result("ensembles.jsonl", record)
        seconds = record.get("VotingEnsemble_seconds", 0) + record.get("StackEnsemble_seconds", 0)
        print(f"{name:<16} {record['metric']:<36} {record['best_single_heldout']:12.4f} "
              f"{record.get('VotingEnsemble_heldout', float('nan')):9.4f} "
              f"{record.get('StackEnsemble_heldout', float('nan')):9.4f} {seconds:7.2f}")


if __name__ == "__main__":
    main()
