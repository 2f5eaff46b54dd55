"""Check on the meta datasets: is the final model better as a bag of its fold models or as one refit?

A job validates each configuration on k folds. Its final model can then be one refit on all
training rows (Azure's way) or the average of k models, one per fold's training rows (a bag,
AutoGluon's way). This script measures that choice where defaults are learned, on
``../shared/datasets/meta`` (``AUTOML_META_DATA`` names another folder), never on the benchmark
datasets: LightGBM and XGBoost with default parameters behind our featurization (fitted on all
training rows, as the final model's is), refit against a bag of as many folds as a job's automatic
cross-validation makes (``guardrails.auto_validation``), on three 75/25 splits of every meta
classification and regression dataset.

Usage::

    python benchmarks/meta_bagging.py
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from lightgbm import LGBMClassifier, LGBMRegressor
from sklearn.base import clone
from sklearn.metrics import r2_score, roc_auc_score
from sklearn.model_selection import KFold, StratifiedKFold, train_test_split
from xgboost import XGBClassifier, XGBRegressor

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _data import append_result  # noqa: E402
from _meta_outcome import paired_outcome, print_outcomes  # noqa: E402
from learn_portfolio import load_dataset, meta_folder  # noqa: E402

import featurizers  # noqa: E402
import guardrails  # noqa: E402

SEEDS, MAX_ROWS = (0, 1, 2), 20_000
LEARNERS = {
    "LightGBM": {"classification": LGBMClassifier(verbose=-1, n_jobs=2),
                 "regression": LGBMRegressor(verbose=-1, n_jobs=2)},
    "XGBoost": {"classification": XGBClassifier(n_jobs=2, tree_method="hist"),
                "regression": XGBRegressor(n_jobs=2, tree_method="hist")},
}


def _score(task: str, y: pd.Series, prediction: np.ndarray, classes: np.ndarray) -> float:
    if task == "regression":
        return r2_score(y, prediction)
    if prediction.shape[1] == 2:
        return roc_auc_score(y == classes[1], prediction[:, 1])
    return roc_auc_score(y, prediction, multi_class="ovr", average="weighted", labels=classes)


def _predict(task: str, model: object, X: np.ndarray) -> np.ndarray:
    return model.predict(X) if task == "regression" else model.predict_proba(X)


def held_out(task: str, learner: object, train: pd.DataFrame, test: pd.DataFrame, target: str,
             seed: int) -> tuple[float, float]:
    """Held-out score of the refit and of the bag (AUC weighted one-vs-rest, or r2)."""
    X, X_test = train.drop(columns=[target]), test.drop(columns=[target])
    classes = np.unique(train[target])
    y = train[target].to_numpy() if task == "regression" else np.searchsorted(classes, train[target])
    transformer = featurizers.plan_featurization(X).build().fit(X, y)
    Z, Z_test = transformer.transform(X), transformer.transform(X_test)
    refit = _predict(task, clone(learner).fit(Z, y), Z_test)
    folds = guardrails.auto_validation(len(train))["n_folds"]
    splitter = (KFold(folds, shuffle=True, random_state=seed) if task == "regression"
                else StratifiedKFold(folds, shuffle=True, random_state=seed))
    bag = np.mean([_predict(task, clone(learner).fit(Z[rows], y[rows]), Z_test)
                   for rows, _ in splitter.split(Z, y)], axis=0)
    return _score(task, test[target], refit, classes), _score(task, test[target], bag, classes)


def main() -> None:
    folder = meta_folder()
    manifest = json.loads((folder / "manifest.json").read_text())
    rows = []
    for name, entry in manifest["datasets"].items():
        task = entry["task"]
        if task not in ("classification", "regression"):
            continue
        frame = load_dataset(folder, entry, manifest.get("read_csv_kwargs", {}), MAX_ROWS)
        frame = frame.dropna(subset=[entry["target"]])
        if task == "classification":  # classes too small for 10 folds are not what this measures
            counts = frame[entry["target"]].value_counts()
            frame = frame[frame[entry["target"]].isin(counts[counts >= 40].index)]
        for learner_name, learners in LEARNERS.items():
            differences = []
            for seed in SEEDS:
                stratify = frame[entry["target"]] if task == "classification" else None
                train, test = train_test_split(frame, test_size=0.25, random_state=seed, stratify=stratify)
                refit, bag = held_out(task, learners[task], train, test, entry["target"], seed)
                differences.append(bag - refit)
            mean, spread, outcome = paired_outcome(differences)
            rows.append(([name, learner_name], mean, spread, outcome))
            append_result("meta_bagging.jsonl", {"dataset": name, "learner": learner_name,
                                                 "differences": differences, "outcome": outcome})
            print(f"{name} {learner_name}: {mean:+.4f} ± {spread:.4f} {outcome}", flush=True)
    print_outcomes(["meta dataset", "learner", "bag minus refit"], rows, len(SEEDS))


if __name__ == "__main__":
    main()
