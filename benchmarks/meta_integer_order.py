"""Check on the meta datasets: do integer columns that Azure's rule makes categorical also need their value?

Azure's column-purpose rule one-hot encodes integer columns with few values (counts, hours,
months), which loses their order. ``featurizers`` now also passes such a column through as a
number (``featurizers._plan._keeps_order``). This script measures that default where defaults
are learned, on ``../shared/datasets/meta`` (``AUTOML_META_DATA`` names another folder), never
on the benchmark datasets: LightGBM with its default parameters behind our featurization, with
and without the value, on three 75/25 splits of every meta dataset the rule touches.

Usage::

    python benchmarks/meta_integer_order.py
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence
from unittest import mock

import pandas as pd
from catboost import CatBoostClassifier, CatBoostRegressor
from lightgbm import LGBMClassifier, LGBMRegressor
from sklearn.metrics import r2_score, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _data import append_result  # noqa: E402
from _meta_outcome import paired_outcome, print_outcomes  # noqa: E402
from learn_portfolio import load_dataset, meta_folder  # noqa: E402

import featurizers  # noqa: E402
from featurizers import _plan  # noqa: E402

SEEDS, MAX_ROWS = (0, 1, 2), 20_000


LEARNERS = {
    "LightGBM": {"classification": lambda: LGBMClassifier(verbose=-1, n_jobs=2),
                 "regression": lambda: LGBMRegressor(verbose=-1, n_jobs=2)},
    "CatBoost": {"classification": lambda: CatBoostClassifier(verbose=0, thread_count=2, allow_writing_files=False),
                 "regression": lambda: CatBoostRegressor(verbose=0, thread_count=2, allow_writing_files=False)},
}


def held_out(task: str, train: pd.DataFrame, test: pd.DataFrame, target: str, *, learner: str = "LightGBM",
             numeric: Sequence[str] = ()) -> float:
    """``learner`` (of :data:`LEARNERS`) with its default parameters behind the planned featurization,
    the ``numeric`` columns declared Numeric: AUC (weighted, one-vs-rest) or r2 on ``test``."""
    X, y = train.drop(columns=[target]), train[target]
    plan = featurizers.plan_featurization(X, column_name_and_types={c: "Numeric" for c in numeric} or None)
    model = Pipeline([("featurize", plan.build()), ("learner", LEARNERS[learner][task]())]).fit(X, y)
    return held_out_score(task, model, test.drop(columns=[target]), test[target])


def held_out_score(task: str, model: Any, X_test: pd.DataFrame, y_test: pd.Series) -> float:
    """r2 of a regressor, or AUC (weighted, one-vs-rest) of a classifier, on ``X_test``."""
    if task == "regression":
        return r2_score(y_test, model.predict(X_test))
    proba = model.predict_proba(X_test)
    if proba.shape[1] == 2:
        return roc_auc_score(y_test == model.classes_[1], proba[:, 1])
    return roc_auc_score(y_test, proba, multi_class="ovr", average="weighted", labels=model.classes_)


def compare_per_learner(datasets: Iterable[tuple[str, dict, pd.DataFrame, list[str]]],
                        arms: Callable[[str, dict, pd.DataFrame, pd.DataFrame, str, list[str]], tuple[float, float]],
                        results_file: str, header: list[str]) -> None:
    """For each dataset ``(name, entry, rows, columns)`` and learner of :data:`LEARNERS`, the paired
    difference of two arms over the splits of :data:`SEEDS` (``arms(name, entry, train, test, learner,
    columns)`` returns both scores); a JSON line each in ``results_file``, then a table per learner."""
    rows: dict[str, list] = {learner: [] for learner in LEARNERS}
    for name, entry, frame, columns in datasets:
        for learner in LEARNERS:
            differences = []
            for seed in SEEDS:
                train, test = split(frame, entry, seed)
                first, second = arms(name, entry, train, test, learner, columns)
                differences.append(first - second)
            mean, spread, outcome = paired_outcome(differences)
            rows[learner].append(([name, str(len(columns))], mean, spread, outcome))
            append_result(results_file, {"dataset": name, "learner": learner, "columns": columns,
                                         "differences": differences, "outcome": outcome})
            print(f"{name} {learner}: {len(columns)} column(s), {mean:+.4f} ± {spread:.4f} {outcome}", flush=True)
    for learner, learner_rows in rows.items():
        print(f"\n{learner}:")
        print_outcomes(header, learner_rows, len(SEEDS))


def touched(X: pd.DataFrame) -> list[str]:
    """Columns that get their value besides their one-hot columns."""
    plan = featurizers.plan_featurization(X)
    return sorted({c for step in plan.steps if step.recipe == "numeric" for c in step.columns}
                  & {c for c, r in plan.recipes.items() if r == "onehot"})


def touched_datasets() -> Iterator[tuple[str, dict, pd.DataFrame, list[str]]]:
    """Each meta dataset (classification or regression) with integer columns the rule touches: its name,
    manifest entry, rows (at most ``MAX_ROWS``, target known) and those columns."""
    folder = meta_folder()
    manifest = json.loads((folder / "manifest.json").read_text())
    for name, entry in manifest["datasets"].items():
        if entry["task"] not in ("classification", "regression"):
            continue
        frame = load_dataset(folder, entry, manifest.get("read_csv_kwargs", {}), MAX_ROWS)
        frame = frame.dropna(subset=[entry["target"]])
        columns = touched(frame.drop(columns=[entry["target"]]))
        if columns:
            yield name, entry, frame, columns


def split(frame: pd.DataFrame, entry: dict, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A 75/25 split drawn with ``seed``, stratified for classification where every class allows it."""
    stratify = frame[entry["target"]] if entry["task"] == "classification" else None
    try:
        return train_test_split(frame, test_size=0.25, random_state=seed, stratify=stratify)
    except ValueError:  # a class too small to stratify
        return train_test_split(frame, test_size=0.25, random_state=seed)


def main() -> None:
    rows = []
    for name, entry, frame, columns in touched_datasets():
        differences = []
        for seed in SEEDS:
            train, test = split(frame, entry, seed)
            with_value = held_out(entry["task"], train, test, entry["target"])
            with mock.patch.object(_plan, "_keeps_order", return_value=False):
                one_hot_only = held_out(entry["task"], train, test, entry["target"])
            differences.append(with_value - one_hot_only)
        mean, spread, outcome = paired_outcome(differences)
        rows.append(([name, str(len(columns))], mean, spread, outcome))
        append_result("meta_integer_order.jsonl", {"dataset": name, "columns": columns,
                                                   "differences": differences, "outcome": outcome})
        print(f"{name}: {len(columns)} column(s), {mean:+.4f} ± {spread:.4f} {outcome}", flush=True)
    print_outcomes(["meta dataset", "integer columns", "value + one-hot minus one-hot only"], rows, len(SEEDS))


if __name__ == "__main__":
    main()
