"""ScoringPipeline: a job's model answers a table of no rows with empty predictions of the right
dtype and width, and is a plain scikit-learn Pipeline for every other input."""
from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from automl.algorithms import ScoringPipeline

X = pd.DataFrame({"x": np.arange(12.0), "z": np.tile([0.0, 1.0, 5.0], 4)})
LABELS = np.array(["no", "yes", "maybe"] * 4, dtype=object)


def _fitted(estimator, y):
    steps = [("scale", StandardScaler()), ("estimator", estimator)]
    return ScoringPipeline(steps).fit(X, y), Pipeline(clone(Pipeline(steps)).steps).fit(X, y)


def test_a_classifier_scores_no_rows_with_one_column_per_class():
    model, _ = _fitted(LogisticRegression(), LABELS)
    none = X.iloc[:0]
    labels, proba, log_proba = model.predict(none), model.predict_proba(none), model.predict_log_proba(none)
    assert labels.shape == (0,) and labels.dtype == model.classes_.dtype == object
    assert proba.shape == log_proba.shape == (0, 3)


def test_a_regressor_scores_no_rows_as_floats_and_has_no_probabilities():
    model, _ = _fitted(LinearRegression(), X["x"] * 2.0)
    values = model.predict(X.iloc[:0])
    assert values.shape == (0,) and values.dtype == np.float64
    assert not hasattr(model, "predict_proba")  # hasattr-based task checks still tell it apart


def test_an_empty_numpy_array_is_no_rows_too():
    model, _ = _fitted(LogisticRegression(), LABELS)
    assert model.predict_proba(np.empty((0, 2))).shape == (0, 3)


@pytest.mark.parametrize("estimator, y", [(LogisticRegression(), LABELS), (LinearRegression(), X["x"] * 2.0)])
def test_rows_are_scored_as_the_plain_pipeline_scores_them(estimator, y):
    model, plain = _fitted(estimator, y)
    np.testing.assert_array_equal(model.predict(X), plain.predict(X))
    if hasattr(plain, "predict_proba"):
        np.testing.assert_allclose(model.predict_proba(X), plain.predict_proba(X))


def test_a_plain_pipeline_refuses_no_rows_so_the_override_matters():
    _, plain = _fitted(LogisticRegression(), LABELS)
    with pytest.raises(ValueError, match="0 sample"):
        plain.predict(X.iloc[:0])


def test_clone_and_pickle_keep_the_class():
    model, _ = _fitted(LogisticRegression(), LABELS)
    assert type(clone(model)) is ScoringPipeline
    restored = pickle.loads(pickle.dumps(model))
    assert type(restored) is ScoringPipeline and restored.predict(X.iloc[:0]).shape == (0,)
