"""A final model's fit ends its boosting at its deadline and keeps the iterations it has, for every learner that
declares a hook; a learner that grows without one grows until its deadline."""
from __future__ import annotations

import time
import types

import numpy as np
import pytest

from automl.algorithms import Algorithm, fit_pipeline, make_pipeline
from automl.algorithms._deadline_hooks import DEADLINE_HOOKS, STOPPED_ATTRIBUTE
from automl.tasks import get_task

#: The parameter that counts a booster's iterations.
ITERATIONS = {"LightGBM": "n_estimators", "XGBoostClassifier": "n_estimators", "XGBoostRegressor": "n_estimators"}
HOOKED = [(task, algorithm.name) for task in ("classification", "regression")
          for algorithm in get_task(task).algorithms if algorithm.deadline_hook is not None]
GROWN = [(task, algorithm.name) for task in ("classification", "regression")
         for algorithm in get_task(task).algorithms if algorithm.grows and algorithm.deadline_hook is None]


def _data(task: str) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 4))
    y = X[:, 0] + rng.normal(scale=0.3, size=300)
    return X, (np.where(y > 0, "yes", "no") if task == "classification" else y)


def test_the_boosters_declare_a_hook():
    assert {name for _, name in HOOKED} >= {"LightGBM", "XGBoostClassifier", "XGBoostRegressor",
                                            "CatBoostClassifier", "CatBoostRegressor", "GradientBoosting"}


@pytest.mark.parametrize("task,name", HOOKED)
def test_a_fit_past_its_deadline_ends_at_its_first_iteration_with_the_model_it_has(task, name):
    algorithm = get_task(task).algorithms[name]
    X, y = _data(task)
    stopped = fit_pipeline(make_pipeline(algorithm, {}, 1), algorithm, X, y, deadline=time.monotonic() - 1.0)
    assert getattr(stopped[-1], STOPPED_ATTRIBUTE) == 1
    if "CatBoost" in name:  # it sets its learning rate and more from its iterations: one tree, not the same
        assert stopped[-1].tree_count_ == 1
        return
    one = fit_pipeline(make_pipeline(algorithm, {algorithm.grows or ITERATIONS[name]: 1}, 1), algorithm, X, y)
    predict = "predict_proba" if task == "classification" else "predict"
    np.testing.assert_allclose(getattr(stopped, predict)(X), getattr(one, predict)(X), rtol=1e-6)


@pytest.mark.parametrize("task,name", HOOKED)
def test_a_fit_within_its_deadline_is_the_fit_without_one_and_keeps_no_hook(task, name):
    algorithm = get_task(task).algorithms[name]
    X, y = _data(task)
    free = fit_pipeline(make_pipeline(algorithm, {}, 1), algorithm, X, y)
    held = fit_pipeline(make_pipeline(algorithm, {}, 1), algorithm, X, y, deadline=time.monotonic() + 600)
    predict = "predict_proba" if task == "classification" else "predict"
    np.testing.assert_allclose(getattr(held, predict)(X), getattr(free, predict)(X))
    assert not hasattr(held[-1], STOPPED_ATTRIBUTE)
    hook = DEADLINE_HOOKS[algorithm.deadline_hook]
    if hook.on_estimator:  # set for the fit only: a logged model does not carry the deadline
        assert held[-1].get_params()[hook.param] == free[-1].get_params()[hook.param]


def test_the_forests_grow_to_a_deadline():
    assert {name for _, name in GROWN} >= {"RandomForest", "ExtremeRandomTrees"}


@pytest.mark.parametrize("task,name", GROWN)
@pytest.mark.parametrize("wanted,kept", [(30, 10), (300, 30), (6, 6)])  # a tenth, at least 10 (or all)
def test_a_grown_fit_past_its_deadline_keeps_its_first_chunk_the_trees_of_a_fit_of_that_many(task, name, wanted,
                                                                                             kept):
    algorithm = get_task(task).algorithms[name]
    X, y = _data(task)
    params = {algorithm.grows: wanted, "random_state": 3}
    stopped = fit_pipeline(make_pipeline(algorithm, params, 1), algorithm, X, y, deadline=time.monotonic() - 1.0)
    assert len(stopped[-1].estimators_) == kept and stopped[-1].get_params()[algorithm.grows] == kept
    assert getattr(stopped[-1], STOPPED_ATTRIBUTE, None) == (kept if kept < wanted else None)
    assert stopped[-1].warm_start is False
    alone = fit_pipeline(make_pipeline(algorithm, {**params, algorithm.grows: kept}, 1), algorithm, X, y)
    predict = "predict_proba" if task == "classification" else "predict"
    np.testing.assert_allclose(getattr(stopped, predict)(X), getattr(alone, predict)(X))


@pytest.mark.parametrize("task,name", GROWN)
def test_a_grown_fit_within_its_deadline_is_the_fit_without_one(task, name):
    algorithm = get_task(task).algorithms[name]
    X, y = _data(task)
    params = {algorithm.grows: 30, "random_state": 3}
    free = fit_pipeline(make_pipeline(algorithm, params, 1), algorithm, X, y)
    held = fit_pipeline(make_pipeline(algorithm, params, 1), algorithm, X, y, deadline=time.monotonic() + 600)
    predict = "predict_proba" if task == "classification" else "predict"
    np.testing.assert_allclose(getattr(held, predict)(X), getattr(free, predict)(X))
    assert len(held[-1].estimators_) == 30 and not hasattr(held[-1], STOPPED_ATTRIBUTE)
    assert held[-1].warm_start is False


def test_a_grown_fit_stops_before_a_chunk_that_would_end_past_its_deadline(monkeypatch):
    from automl.algorithms import _growing

    algorithm = get_task("regression").algorithms["RandomForest"]
    X, y = _data("regression")
    clock = iter(np.arange(0.0, 100.0, 1.0))  # each reading a second later: a chunk of 5 trees takes a second
    monkeypatch.setattr(_growing, "time", types.SimpleNamespace(monotonic=lambda: float(next(clock))))
    # Chunks of 10, 5 and 5 trees run 0-1, 3-4 and 6-7 (checked at 2 and 5: they would end at 2.5 and 6);
    # checked at 8, the next would end at 9, past 7.5.
    model = make_pipeline(algorithm, {"n_estimators": 50}, 1)
    assert _growing.grow_by(model, "n_estimators", X, y, {}, deadline=7.5) == 20


def test_an_unknown_hook_is_refused_when_registered():
    from automl.algorithms import AlgorithmRegistry

    registry = AlgorithmRegistry("regression")
    with pytest.raises(ValueError, match="Unknown deadline hook 'lightgbm2'"):
        registry.register(Algorithm("Odd", "regression", object, "MaxAbsScaler", deadline_hook="lightgbm2"))
