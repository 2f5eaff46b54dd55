"""The final model as a bag of fold models: what it predicts, when a job bags, what it costs."""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.ensemble import VotingClassifier, VotingRegressor
from sklearn.pipeline import Pipeline

import automl
from automl.core import COMPLETED, TrialResult, TrialSpec
from automl.ensembles import VotingEnsembleSpec
from automl.errors import ConfigError
from automl.settings import TrainingSettings
from automl.tasks import get_task
from automl.tasks.tabular import prepare, refit_trial
from automl.tasks.tabular import _refit
from automl.tasks.tabular._bagging import (
    BAG,
    BAG_MARGIN,
    REFIT,
    bag_rows,
    bag_seconds,
    final_model_kind,
    validated_folds,
)
from automl.tasks.tabular._refit import refit_seconds, refit_steps, refit_workers


def _frame(n: int = 150) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    x, z = rng.normal(size=n), rng.normal(size=n)
    kind = np.where(rng.random(n) < 0.5, "a", "b")
    y = 2 * x - z + (kind == "a") + rng.normal(scale=0.3, size=n)
    return pd.DataFrame({"x": x, "z": z, "kind": kind, "y": y})


def _prepared(training: TrainingSettings | None = None, task: str = "regression", **data):
    frame = _frame()
    if task == "classification":
        frame["y"] = np.where(frame["y"] > frame["y"].median(), "high", "low")
    factory = automl.classification if task == "classification" else automl.regression
    job = factory(training_data=frame, target_column_name="y", log_verbosity="warning", **data)
    prepared = prepare(job.data, job.featurization, task=get_task(task))
    prepared.final_model, prepared.final_model_reason = final_model_kind(training or TrainingSettings(), prepared)
    return prepared


def _trial(prepared, algorithm: str, params: dict | None = None) -> TrialResult:
    spec = TrialSpec(0, "job_0", prepared.task.algorithms[algorithm], params or {})
    result = prepared.task.evaluate_trial(spec, prepared.trial_data(), prepared.task.default_primary_metric)
    assert result.status == COMPLETED, result.error
    return result


@pytest.mark.parametrize("task", ["regression", "classification"])
def test_the_bag_predicts_the_average_of_models_fitted_on_each_folds_training_rows(task):
    prepared = _prepared(task=task, n_cross_validations=4)
    assert prepared.final_model == BAG
    trial = _trial(prepared, "LightGBM", {"n_estimators": 30})
    model = refit_trial(trial, prepared)
    assert [name for name, _ in model.steps] == ["datatransformer", "bag"]
    bag = model.named_steps["bag"]
    assert isinstance(bag, VotingRegressor if task == "regression" else VotingClassifier)
    assert len(bag.estimators_) == 4
    # Each fold model is the trial's configuration fitted on that fold's training rows, nothing else.
    X = prepared.X.iloc[:40]
    Z = prepared.refit_transformer.transform(X)
    expected = []
    for rows in bag_rows(prepared):
        fold_model = refit_steps(trial, prepared, rows=rows)
        expected.append(fold_model.predict(Z) if task == "regression" else fold_model.predict_proba(Z))
    if task == "regression":
        np.testing.assert_allclose(model.predict(X), np.mean(expected, axis=0), rtol=1e-9)
    else:
        np.testing.assert_allclose(model.predict_proba(X), np.mean(expected, axis=0), rtol=1e-9)
        assert list(model.classes_) == ["high", "low"]
    # ...and not the refit on all rows.
    refit = refit_trial(trial, dataclasses.replace(prepared, final_model=REFIT))
    assert not np.allclose(refit.predict(X) if task == "regression" else refit.predict_proba(X),
                           np.mean(expected, axis=0))


def test_a_vote_of_bags_is_one_vote_of_their_fold_models_with_the_members_weights_shared():
    prepared = _prepared(task="classification", n_cross_validations=3)
    members = [_trial(prepared, "LightGBM", {"n_estimators": 20}), _trial(prepared, "LogisticRegression")]
    members[1] = dataclasses.replace(members[1], iteration=1, name="job_1")
    vote = TrialResult(2, "job_2", "VotingEnsemble", "", {}, COMPLETED)
    vote.ensemble = VotingEnsembleSpec(members, np.array([0.75, 0.25]))
    model = refit_trial(vote, prepared)
    ensemble = model.named_steps["ensemble"]
    assert len(ensemble.estimators_) == 6
    np.testing.assert_allclose(ensemble.weights, [0.25] * 3 + [0.25 / 3] * 3)
    X = prepared.X.iloc[:30]
    bags = [refit_trial(m, prepared).predict_proba(X) for m in members]
    np.testing.assert_allclose(model.predict_proba(X), 0.75 * bags[0] + 0.25 * bags[1], rtol=1e-9)


def test_the_fold_rows_are_the_folds_training_rows_in_the_refit_arrays():
    prepared = _prepared(n_cross_validations=3)
    rows = bag_rows(prepared)
    X, y, _ = prepared.refit_arrays()
    for positions, fold, featurized in zip(rows, prepared.validation.folds, prepared.folds):
        np.testing.assert_array_equal(y[positions], featurized.y_train)
        np.testing.assert_allclose(X[positions], prepared.refit_transformer.transform(prepared.X.iloc[fold.train]))


def test_auto_bags_under_cross_validation_and_refits_after_a_holdout():
    kind, reason = final_model_kind(TrainingSettings(), _prepared(n_cross_validations=3))
    assert (kind, reason) == (BAG, "a bag of the 3 fold models (final_model='auto')")
    kind, reason = final_model_kind(TrainingSettings(), _prepared(validation_data_size=0.2))
    assert kind == REFIT and "a bag needs cross-validation folds" in reason and "holdout" in reason
    # Asked for, a bag still needs folds: the job says why it refit instead.
    kind, reason = final_model_kind(TrainingSettings(final_model="bag"), _prepared(validation_data_size=0.2))
    assert kind == REFIT and "holdout" in reason
    assert final_model_kind(TrainingSettings(final_model="refit"), _prepared(n_cross_validations=3))[0] == REFIT


def test_a_bag_is_estimated_as_its_trials_fits_again_and_sized_once_per_fold():
    prepared = _prepared(n_cross_validations=5)
    a = TrialResult(1, "a", "LightGBM", "", {}, COMPLETED, duration_seconds=10.0, model_bytes=1000)
    b = TrialResult(2, "b", "LightGBM", "", {}, COMPLETED, duration_seconds=30.0, model_bytes=3000)
    assert bag_seconds([a, b], 5, workers=2) == pytest.approx(BAG_MARGIN * 20.0)
    assert bag_seconds([b], 5, workers=8) == pytest.approx(BAG_MARGIN * 30.0 / 5)   # at least one fold
    task = prepared.task
    assert task.final_model_bytes([a, b], prepared) == 5 * 4000
    refit = dataclasses.replace(prepared, final_model=REFIT)
    assert task.final_model_bytes([a, b], refit) == 4000
    assert task.final_fit_seconds([b], refit) == pytest.approx(refit_seconds([b], 5, refit_workers()))
    assert task.final_fit_seconds([b], prepared) == pytest.approx(BAG_MARGIN * 30.0 / refit_workers())


def test_final_model_is_checked_when_set_and_refused_for_forecasting():
    job = automl.regression(training_data=_frame(), target_column_name="y")
    with pytest.raises(ConfigError, match="final_model must be one of 'auto', 'bag', 'refit', got 'bagging'"):
        job.set_training(final_model="bagging")
    forecast = automl.forecasting(training_data=pd.DataFrame({"t": pd.date_range("2020", periods=30), "y": 1.0}),
                                  target_column_name="y")
    with pytest.raises(ConfigError, match="final_model='bag' is not supported for forecasting"):
        forecast.set_training(final_model="bag")


def test_a_job_says_how_its_final_model_was_trained(small_regression_frame):
    job = automl.regression(training_data=small_regression_frame, target_column_name="y",
                            n_cross_validations=3, log_verbosity="warning")
    job.set_limits(max_trials=2, max_concurrent_trials=1)
    job.set_training(allowed_training_algorithms=["LightGBM", "ElasticNet"], enable_vote_ensemble=False,
                     enable_stack_ensemble=False, enable_model_explainability=False)
    result = job.submit(show_progress=False)
    assert result.final_model == "a bag of the 3 fold models (final_model='auto')"
    assert len(result.best_model.named_steps["bag"].estimators_) == 3


def _wrong(task: str, X, y) -> Pipeline:
    """A fitted model far from anything validated: a value of a million, or always the other class."""
    if task == "regression":
        return Pipeline([("estimator", DummyRegressor(strategy="constant", constant=1e6).fit(X, y))])
    return Pipeline([("estimator", DummyClassifier(strategy="constant", constant="low").fit(X, y))])


@pytest.mark.parametrize("task", ["regression", "classification"])
def test_a_fold_model_far_worse_on_its_own_validation_rows_than_its_trial_is_left_out(task):
    prepared = _prepared(task=task, n_cross_validations=4)
    trial = _trial(prepared, "LightGBM", {"n_estimators": 30})
    models = [refit_steps(trial, prepared, rows=rows) for rows in bag_rows(prepared)]
    # The fold models behind the all-rows featurization predict as their trial did: all kept.
    assert validated_folds(trial, models, prepared) == ([0, 1, 2, 3], None)
    X, y, _ = prepared.refit_arrays()
    models[2] = _wrong(task, X, y)
    kept, note = validated_folds(trial, models, prepared)
    assert kept == [0, 1, 3]
    assert note.startswith("job_0: the model of fold 2 (") and "left out of the bag" in note


def test_the_job_bags_the_validated_fold_models_and_refits_when_none_is(monkeypatch):
    prepared = _prepared(n_cross_validations=3)
    trial = _trial(prepared, "LightGBM", {"n_estimators": 30})
    second = bag_rows(prepared)[1]
    fit = _refit.refit_steps

    def sabotaged(trial, prepared, n_jobs=1, rows=None, deadline=None):
        if rows is not None and np.array_equal(rows, second):
            X, y, _ = prepared.refit_arrays()
            return _wrong("regression", X, y)
        return fit(trial, prepared, n_jobs, rows, deadline)

    monkeypatch.setattr(_refit, "refit_steps", sabotaged)
    model = refit_trial(trial, prepared)
    assert list(model.named_steps["bag"].named_estimators_) == ["fold_0", "fold_2"]
    assert "the model of fold 1" in prepared.final_model_reason
    # No fold model passes: the member is refit on all rows, and the reason says so.
    monkeypatch.setattr(_refit, "refit_steps", lambda t, p, n_jobs=1, rows=None, deadline=None:
                        _wrong("regression", *p.refit_arrays()[:2]) if rows is not None else fit(t, p, n_jobs))
    prepared = _prepared(n_cross_validations=3)
    model = refit_trial(trial, prepared)
    assert [name for name, _ in model.steps][0] == "datatransformer" and "bag" not in model.named_steps
    assert "job_0 refit on all training rows instead" in prepared.final_model_reason
    np.testing.assert_allclose(model.predict(prepared.X.iloc[:20]),
                               fit(trial, prepared).predict(prepared.refit_transformer.transform(prepared.X.iloc[:20])))
