"""Check on the meta datasets: CatBoost on its own categorical features against CatBoost behind our featurization.

CatBoost encodes categorical columns itself (ordered target statistics, and combinations of them) when
it is told which they are. A job gives it our featurization instead: one-hot, hashed or label-encoded
columns, the encodings every other learner gets, and the only ones CatBoost's ONNX export takes ("only
numerical features are supported"). This script measures what that costs: CatBoost with its default
parameters on the raw columns, the string columns declared categorical (missing values as a category of
their own), against CatBoost behind the planned featurization (``meta_integer_order.held_out``), on three
75/25 splits of every meta dataset with a string column (``../shared/datasets/meta``; ``AUTOML_META_DATA``
names another folder), never on the benchmark datasets.

``--arm codes`` measures the shape a job could give it instead of the raw columns: our featurization of
every other column, and each string column as one integer code (missing and unseen values codes of their
own) that CatBoost is told is categorical.

Usage::

    python benchmarks/meta_catboost_categories.py [--arm native|codes] [dataset ...]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from catboost import CatBoostClassifier, CatBoostRegressor
from sklearn.preprocessing import OrdinalEncoder

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _data import append_result  # noqa: E402
from _meta_outcome import paired_outcome, print_outcomes  # noqa: E402
from learn_portfolio import load_dataset, meta_folder  # noqa: E402
from meta_integer_order import MAX_ROWS, SEEDS, held_out, held_out_score, split  # noqa: E402

import featurizers  # noqa: E402

_MISSING = "__missing__"


def string_columns(X: pd.DataFrame) -> list[str]:
    """Columns that are neither numbers nor booleans: what CatBoost is told are categorical."""
    return [c for c in X.columns if not pd.api.types.is_numeric_dtype(X[c]) or pd.api.types.is_bool_dtype(X[c])]


def _as_categories(X: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    return X.assign(**{c: X[c].astype(object).where(X[c].notna(), _MISSING).astype(str) for c in columns})


def native(task: str, train: pd.DataFrame, test: pd.DataFrame, target: str) -> float:
    """CatBoost's defaults on the raw columns, string columns as its categorical features: AUC
    (weighted, one-vs-rest) or r2 on ``test``."""
    X, y = train.drop(columns=[target]), train[target]
    columns = string_columns(X)
    learner = CatBoostRegressor if task == "regression" else CatBoostClassifier
    model = learner(verbose=0, thread_count=2, allow_writing_files=False, cat_features=columns)
    model.fit(_as_categories(X, columns), y)
    return held_out_score(task, model, _as_categories(test.drop(columns=[target]), columns), test[target])


class CodedCatBoost:
    """Our featurization of the columns that are not strings, beside one integer code per string column
    that CatBoost (default parameters) is told is categorical."""

    def __init__(self, task: str):
        self.task = task

    def _features(self, X: pd.DataFrame, fit: bool = False) -> pd.DataFrame:
        strings = _as_categories(X, self.columns_)[self.columns_]
        if fit:
            self.codes_ = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1).fit(strings)
        featurized = self.featurization_.transform(X.drop(columns=self.columns_))
        featurized = featurized.toarray() if sp.issparse(featurized) else np.asarray(featurized, dtype=float)
        codes = self.codes_.transform(strings).astype(int)
        return pd.concat([pd.DataFrame(featurized).add_prefix("f"), pd.DataFrame(codes).add_prefix("code")], axis=1)

    def fit(self, X: pd.DataFrame, y: pd.Series) -> "CodedCatBoost":
        self.columns_ = string_columns(X)
        rest = X.drop(columns=self.columns_)
        self.featurization_ = featurizers.plan_featurization(rest).build().fit(rest, y)
        learner = CatBoostRegressor if self.task == "regression" else CatBoostClassifier
        self.model_ = learner(verbose=0, thread_count=2, allow_writing_files=False,
                              cat_features=[f"code{j}" for j in range(len(self.columns_))])
        self.model_.fit(self._features(X, fit=True), y.to_numpy())
        self.classes_ = getattr(self.model_, "classes_", None)
        return self

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        return self.model_.predict(self._features(X))

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        return self.model_.predict_proba(self._features(X))


def coded(task: str, train: pd.DataFrame, test: pd.DataFrame, target: str) -> float:
    """:class:`CodedCatBoost` on ``train``: AUC (weighted, one-vs-rest) or r2 on ``test``."""
    model = CodedCatBoost(task).fit(train.drop(columns=[target]).reset_index(drop=True), train[target])
    return held_out_score(task, model, test.drop(columns=[target]).reset_index(drop=True), test[target])


ARMS = {"native": native, "codes": coded}


def main(only: list[str], arm: str = "native") -> None:
    folder = meta_folder()
    manifest = json.loads((folder / "manifest.json").read_text())
    rows = []
    for name, entry in manifest["datasets"].items():
        if entry["task"] not in ("classification", "regression") or (only and name not in only):
            continue
        frame = load_dataset(folder, entry, manifest.get("read_csv_kwargs", {}), MAX_ROWS)
        frame = frame.dropna(subset=[entry["target"]])
        columns = string_columns(frame.drop(columns=[entry["target"]]))
        if not columns:
            continue
        differences = []
        for seed in SEEDS:
            train, test = split(frame, entry, seed)
            differences.append(ARMS[arm](entry["task"], train, test, entry["target"])
                               - held_out(entry["task"], train, test, entry["target"], learner="CatBoost"))
        mean, spread, outcome = paired_outcome(differences)
        rows.append(([name, str(len(columns))], mean, spread, outcome))
        append_result("meta_catboost_categories.jsonl", {"dataset": name, "arm": arm, "columns": columns,
                                                         "differences": differences, "outcome": outcome})
        print(f"{name}: {len(columns)} column(s), {mean:+.4f} ± {spread:.4f} {outcome}", flush=True)
    print_outcomes(["meta dataset", "string columns", f"CatBoost's categories ({arm}) minus our featurization"],
                   rows, len(SEEDS))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--arm", choices=list(ARMS), default="native")
    parser.add_argument("datasets", nargs="*")
    arguments = parser.parse_args()
    main(arguments.datasets, arguments.arm)
