"""Permutation importance on featurized rows: the same figures as featurizing every shuffled copy,
with one featurization; and no shortcut where a featurization step reads several columns."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from lightgbm import LGBMClassifier
from xgboost import XGBClassifier
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, MaxAbsScaler, OneHotEncoder

from automl.explain import permutation_importance
from automl.explain._featurized_shuffles import CHECK_ROWS, FeaturizedShuffles
from featurizers import plan_featurization


def _table(n: int = 300, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({
        "signal": rng.normal(size=n),
        "income": np.where(rng.random(n) < 0.2, np.nan, rng.gamma(2.0, 10.0, size=n)),
        "visits": rng.integers(0, 6, size=n),  # an integer column: one-hot and its value
        "colour": pd.Series(rng.choice(["red", "blue", "green", None], size=n), dtype="object"),
        "city": pd.Series(rng.choice([f"c{i}" for i in range(120)], size=n)),  # hashed
        "opened": pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 900, size=n), unit="D"),
    })
    logit = 2 * X["signal"] + (X["colour"] == "red") + 0.3 * X["visits"]
    return X, (logit + rng.normal(scale=0.5, size=n) > 0.8).to_numpy().astype(int)


def _job_model(X: pd.DataFrame, y: np.ndarray, estimator, sparse: bool = False) -> Pipeline:
    featurization = plan_featurization(X).build().set_params(sparse_threshold=1.0 if sparse else 0.0)
    return Pipeline([("datatransformer", featurization), ("preprocessor", MaxAbsScaler()),
                     ("estimator", estimator)]).fit(X, y)


class _Counting(FunctionTransformer):
    """The identity, counting the rows it transforms."""

    calls: list[int] = []

    def transform(self, X):
        _Counting.calls.append(len(X))
        return super().transform(X)


@pytest.mark.parametrize("estimator, sparse", [
    (LogisticRegression(max_iter=500), False),
    (LGBMClassifier(n_estimators=40, verbose=-1), False),
    (LogisticRegression(max_iter=500), True),
])
def test_shuffling_featurized_rows_gives_the_figures_of_featurizing_each_copy(estimator, sparse):
    X, y = _table()
    model = _job_model(X, y, estimator, sparse)
    shuffles = FeaturizedShuffles.of(model, X)
    assert shuffles is not None
    assert sp.issparse(shuffles.rows) == sparse
    fast, fast_baseline = permutation_importance(model, X, y, metric="AUC_weighted", seed=3)
    slow, slow_baseline = permutation_importance(model, X, y, metric="AUC_weighted", seed=3, featurize_once=False)
    assert fast_baseline == slow_baseline
    pd.testing.assert_frame_equal(fast, slow)
    assert fast["feature"].iloc[0] == "signal" and fast["importance"].iloc[0] > 0.05


def test_the_featurization_runs_once_not_once_per_column():
    X, y = _table()
    featurization = ColumnTransformer([
        ("num", Pipeline([("count", _Counting(feature_names_out="one-to-one")), ("scale", MaxAbsScaler())]), ["signal", "income", "visits"]),
        ("cat", OneHotEncoder(handle_unknown="ignore"), ["colour"]),
    ], verbose_feature_names_out=False)
    X = X[["signal", "income", "visits", "colour"]].fillna({"income": 0.0, "colour": "none"})
    model = Pipeline([("datatransformer", featurization), ("estimator", LogisticRegression(max_iter=500))]).fit(X, y)
    _Counting.calls.clear()
    permutation_importance(model, X, y, metric="AUC_weighted", n_repeats=2)
    # The check that every column is read alone (its first rows, as they are and shuffled), then the rows.
    assert _Counting.calls == [CHECK_ROWS, CHECK_ROWS, len(X)]
    _Counting.calls.clear()
    permutation_importance(model, X, y, metric="AUC_weighted", n_repeats=2, featurize_once=False)
    assert _Counting.calls == [len(X)] + [2 * len(X)] * 4


def test_a_step_that_reads_two_columns_featurizes_every_copy():
    X, y = _table()
    X = X[["signal", "income", "visits"]].fillna(0.0)
    # Outputs named after their columns, as the origins read them, but the first is a product of two.
    product = FunctionTransformer(lambda F: np.column_stack([F["signal"] * F["income"], F["income"]]),
                                  feature_names_out="one-to-one")
    featurization = ColumnTransformer([("mix", product, ["signal", "income"]), ("visits", "passthrough", ["visits"])],
                                      verbose_feature_names_out=False)
    model = Pipeline([("datatransformer", featurization), ("estimator", Ridge())])
    model.fit(X, y)
    assert FeaturizedShuffles.of(model, X) is None
    found, _ = permutation_importance(model, X, y, metric="r2_score", y_min=0.0, y_max=1.0)
    expected, _ = permutation_importance(model, X, y, metric="r2_score", y_min=0.0, y_max=1.0, featurize_once=False)
    pd.testing.assert_frame_equal(found, expected)


def test_few_rows_or_no_featurization_take_no_shortcut():
    X, y = _table()
    model = _job_model(X, y, LogisticRegression(max_iter=500))
    assert FeaturizedShuffles.of(model, X.iloc[:10]) is None
    plain = LogisticRegression(max_iter=500).fit(X[["signal", "visits"]], y)
    assert FeaturizedShuffles.of(plain, X[["signal", "visits"]]) is None


def _with_stored_zeros(F):
    """A column as a sparse matrix that stores its zeros (and leaves its missing values out)."""
    values = np.asarray(F, dtype=float).ravel()
    present = ~np.isnan(values)
    rows = np.flatnonzero(present)
    return sp.csr_matrix((values[present], (rows, np.zeros(len(rows), dtype=int))), shape=(len(values), 1))


def test_stored_zeros_stay_stored_for_a_learner_that_reads_absent_entries_as_missing():
    rng = np.random.default_rng(5)
    n = 300
    X = pd.DataFrame({"count": np.where(rng.random(n) < 0.3, np.nan, rng.integers(0, 3, n).astype(float)),
                      "colour": rng.choice(["red", "blue"], size=n)})
    y = ((X["count"].fillna(-1) == 0) | (X["colour"] == "red")).to_numpy().astype(int)
    zeros = FunctionTransformer(_with_stored_zeros, accept_sparse=True, feature_names_out="one-to-one")
    featurization = ColumnTransformer([("count", zeros, ["count"]), ("colour", OneHotEncoder(), ["colour"])],
                                      sparse_threshold=1.0, verbose_feature_names_out=False)
    model = Pipeline([("datatransformer", featurization),
                      ("estimator", XGBClassifier(n_estimators=20, max_depth=3))]).fit(X, y)
    shuffles = FeaturizedShuffles.of(model, X)
    assert shuffles is not None and (shuffles.rows.data == 0).any()
    fast, _ = permutation_importance(model, X, y, metric="AUC_weighted", seed=1)
    slow, _ = permutation_importance(model, X, y, metric="AUC_weighted", seed=1, featurize_once=False)
    pd.testing.assert_frame_equal(fast, slow)
    assert fast.set_index("feature").loc["count", "importance"] > 0.01
