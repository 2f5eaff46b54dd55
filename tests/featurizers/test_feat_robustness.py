"""Awkward inputs: mixed types, missing and infinite values, time zones, unicode, pandas dtypes."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.tree import DecisionTreeClassifier
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import Pipeline

from featurizers import plan_featurization

N = 400


def awkward_frame(n: int = N) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    zones = [dt.timezone(dt.timedelta(hours=h)) for h in (-5, 0, 2, 9)]
    stamps = [dt.datetime(2021, 1, 1, tzinfo=zones[i % 4]) + dt.timedelta(hours=7 * i)
              for i in range(n)]
    floats = rng.normal(size=n)
    floats[::17] = np.inf
    floats[::19] = -np.inf
    floats[::23] = np.nan
    return pd.DataFrame({
        "mixed": pd.Series([[1, "a", 2.5, None, True][i % 5] for i in range(n)], dtype=object),
        "empty": [np.nan] * n,
        "inf": floats,
        "tz": pd.Series(stamps, dtype=object),
        "città": [["Zürich", "München", "東京", "São Paulo"][i % 4] for i in range(n)],
        "s": pd.Series([["x", None, "y"][i % 3] for i in range(n)], dtype="str"),
        "cat": pd.Series([["lo", "mid", "hi", None][i % 4] for i in range(n)], dtype="category"),
        "nint": pd.array([[1, None, 3, 4, 5][i % 5] for i in range(n)], dtype="Int64"),
        "flag": [bool(i % 2) for i in range(n)],
        "nbool": pd.array([[True, None, False][i % 3] for i in range(n)], dtype="boolean"),
    })


@pytest.fixture(scope="module")
def fitted():
    X = awkward_frame()
    plan = plan_featurization(X)
    return X, plan, plan.build().fit(X)


def dense(matrix):
    return matrix.toarray() if sp.issparse(matrix) else matrix


def test_purposes_of_awkward_columns(fitted):
    _, plan, _ = fitted
    assert plan.purposes == {
        "mixed": "Categorical", "empty": "AllNan", "inf": "Numeric", "tz": "DateTime",
        "città": "Categorical", "s": "Categorical", "cat": "Categorical", "nint": "Categorical",
        "flag": "Numeric", "nbool": "Numeric",
    }


def test_output_is_finite_with_unique_names(fitted):
    X, plan, ct = fitted
    out = dense(ct.transform(X))
    names = ct.get_feature_names_out().tolist()
    assert np.isfinite(out).all() and out.shape[1] == len(names) == len(set(names))
    assert "città_東京" in names and "inf_WASNULL" in names and "tz_hour" in names


def test_transform_accepts_other_dtypes_and_unseen_values(fitted):
    X, _, ct = fitted
    other = X.head(5).astype(object)
    other.loc[0, "città"] = "Paris"
    other.loc[1, "cat"] = "new"
    other.loc[2, "tz"] = "not a date"
    out = dense(ct.transform(other))
    assert out.shape == (5, ct.transform(X.head(5)).shape[1]) and np.isfinite(out).all()


def test_mixed_time_zones_give_utc_hours(fitted):
    X, _, ct = fitted
    names = ct.get_feature_names_out().tolist()
    hours = dense(ct.transform(X.head(4)))[:, names.index("tz_hour")]
    expected = [(t.astimezone(dt.timezone.utc)).hour for t in X["tz"].head(4)]
    assert hours.tolist() == expected


def test_inside_a_cross_validated_pipeline():
    X = awkward_frame()
    y = (np.arange(N) % 3 == 0).astype(int)
    plan = plan_featurization(X)
    model = Pipeline([("datatransformer", plan.build()), ("model", DecisionTreeClassifier(random_state=0))])
    scores = cross_val_score(clone(model), X, y, cv=3)
    assert np.isfinite(scores).all()


def test_new_frame_with_fewer_rows_and_no_missing_values(fitted):
    X, plan, _ = fitted
    fold = X.iloc[1:4]
    out = plan.build().fit(fold).transform(X)
    assert dense(out).shape[0] == N
