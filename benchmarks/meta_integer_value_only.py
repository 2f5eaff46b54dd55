"""Check on the meta datasets: do integer columns that Azure's rule makes categorical need one-hot columns
at all, beside their value?

``featurizers`` passes an integer column with few values through as a number *and* one-hot encodes it
(``featurizers._plan._keeps_order``, checked by ``meta_integer_order.py``). This script compares that
against the value alone (the column declared ``Numeric``), with LightGBM's and CatBoost's default
parameters behind our featurization, on three 75/25 splits of every meta dataset the rule touches
(``../shared/datasets/meta``; ``AUTOML_META_DATA`` names another folder), never on the benchmark
datasets.

Usage::

    python benchmarks/meta_integer_value_only.py
"""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
from catboost import CatBoostClassifier, CatBoostRegressor
from lightgbm import LGBMClassifier, LGBMRegressor
from sklearn.metrics import r2_score, roc_auc_score
from sklearn.pipeline import Pipeline

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _data import append_result  # noqa: E402
from _meta_outcome import paired_outcome, print_outcomes  # noqa: E402
from meta_integer_order import SEEDS, split, touched_datasets  # noqa: E402

import featurizers  # noqa: E402

LEARNERS = {
    "LightGBM": {"classification": lambda: LGBMClassifier(verbose=-1, n_jobs=2),
                 "regression": lambda: LGBMRegressor(verbose=-1, n_jobs=2)},
    "CatBoost": {"classification": lambda: CatBoostClassifier(verbose=0, thread_count=2, allow_writing_files=False),
                 "regression": lambda: CatBoostRegressor(verbose=0, thread_count=2, allow_writing_files=False)},
}


def held_out(learner: str, task: str, train: pd.DataFrame, test: pd.DataFrame, target: str,
             numeric: list[str]) -> float:
    """``learner`` with default parameters behind the planned featurization, the ``numeric`` columns
    declared Numeric: AUC (weighted, one-vs-rest) or r2 on ``test``."""
    X, y = train.drop(columns=[target]), train[target]
    plan = featurizers.plan_featurization(X, column_name_and_types={c: "Numeric" for c in numeric})
    model = Pipeline([("featurize", plan.build()), ("learner", LEARNERS[learner][task]())]).fit(X, y)
    X_test = test.drop(columns=[target])
    if task == "regression":
        return r2_score(test[target], model.predict(X_test))
    proba = model.predict_proba(X_test)
    classes = model.classes_
    if proba.shape[1] == 2:
        return roc_auc_score(test[target] == classes[1], proba[:, 1])
    return roc_auc_score(test[target], proba, multi_class="ovr", average="weighted", labels=classes)


def main() -> None:
    rows = {learner: [] for learner in LEARNERS}
    for name, entry, frame, columns in touched_datasets():
        for learner in LEARNERS:
            differences = []
            for seed in SEEDS:
                train, test = split(frame, entry, seed)
                value_only = held_out(learner, entry["task"], train, test, entry["target"], columns)
                both = held_out(learner, entry["task"], train, test, entry["target"], [])
                differences.append(value_only - both)
            mean, spread, outcome = paired_outcome(differences)
            rows[learner].append(([name, str(len(columns))], mean, spread, outcome))
            append_result("meta_integer_value_only.jsonl", {
                "dataset": name, "learner": learner, "columns": columns, "differences": differences,
                "outcome": outcome})
            print(f"{name} {learner}: {len(columns)} column(s), {mean:+.4f} ± {spread:.4f} {outcome}", flush=True)
    for learner, learner_rows in rows.items():
        print(f"\n{learner}:")
        print_outcomes(["meta dataset", "integer columns", "value only minus value + one-hot"],
                       learner_rows, len(SEEDS))


if __name__ == "__main__":
    main()
