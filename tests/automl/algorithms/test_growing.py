"""Forests and gradient boosting fit as many trees as their time allowance holds, and no fewer than
they would without one when it is enough."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import make_classification

from automl.algorithms import CLASSIFICATION, MIN_MEMBERS, TooFewMembers, fit_pipeline, make_pipeline


@pytest.fixture(scope="module")
def rows():
    return make_classification(n_samples=30_000, n_features=20, random_state=0)


@pytest.mark.parametrize("name", ["RandomForest", "ExtremeRandomTrees", "GradientBoosting"])
def test_an_ample_allowance_gives_the_same_model_as_no_allowance(rows, name):
    X, y = rows
    X, y = X[:3000], y[:3000]
    algorithm = CLASSIFICATION[name]
    plain = fit_pipeline(make_pipeline(algorithm, {"n_estimators": 30}), algorithm, X, y)
    grown = fit_pipeline(make_pipeline(algorithm, {"n_estimators": 30}), algorithm, X, y, max_seconds=600)
    assert grown[-1].n_estimators == 30 and not grown[-1].warm_start
    np.testing.assert_array_equal(plain.predict_proba(X), grown.predict_proba(X))


@pytest.mark.parametrize("name", ["RandomForest", "GradientBoosting"])
def test_a_short_allowance_keeps_fewer_trees_and_a_working_model(rows, name):
    X, y = rows
    algorithm = CLASSIFICATION[name]
    X, y = X[:3000], y[:3000]
    model = fit_pipeline(make_pipeline(algorithm, {"n_estimators": 20_000}), algorithm, X, y, max_seconds=2.0)
    assert MIN_MEMBERS <= model[-1].n_estimators < 20_000
    assert len(getattr(model[-1], "estimators_")) == model[-1].n_estimators
    assert (model.predict(X) == y).mean() > 0.8


@pytest.mark.parametrize("name", ["RandomForest", "GradientBoosting"])
def test_an_allowance_that_holds_fewer_than_the_minimum_of_trees_gives_the_learner_up(rows, name):
    X, y = rows
    algorithm = CLASSIFICATION[name]
    with pytest.raises(TooFewMembers, match=rf"^1 of its 2000 members \(n_estimators\) fit the 0.0 s .*"
                                            rf"fewer than {MIN_MEMBERS} are not worth keeping"):
        # the first tree alone takes longer than the allowance: no count below 1
        fit_pipeline(make_pipeline(algorithm, {"n_estimators": 2000}), algorithm, X, y, max_seconds=0.001)


def test_a_learner_asked_for_fewer_trees_than_the_minimum_keeps_them(rows):
    X, y = rows
    algorithm = CLASSIFICATION["RandomForest"]
    model = fit_pipeline(make_pipeline(algorithm, {"n_estimators": 3}), algorithm, X[:2000], y[:2000], max_seconds=60)
    assert model[-1].n_estimators == 3


def test_learners_that_cannot_grow_ignore_the_allowance(rows):
    X, y = rows
    algorithm = CLASSIFICATION["LogisticRegression"]
    model = fit_pipeline(make_pipeline(algorithm), algorithm, X[:2000], y[:2000], max_seconds=0.001)
    assert (model.predict(X[:2000]) == y[:2000]).mean() > 0.8
