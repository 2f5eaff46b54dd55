"""A tabular trial within its time allowance (grown to it, or stopped for its pace) and its memory estimate."""
from __future__ import annotations

import dataclasses
import re

import numpy as np
import pandas as pd
import pytest

import automl
from automl.algorithms import MIN_MEMBERS
from automl.core import CANCELED, COMPLETED, TrialSpec
from automl.tasks import get_task
from automl.tasks.tabular import prepare, refit_trial
from automl.tasks.tabular._trial import PAST_ALLOWANCE
from automl.testing import registered_test_algorithm


@pytest.fixture(scope="module")
def prepared():
    rng = np.random.default_rng(0)
    n = 20_000
    frame = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n),
                          "c": rng.choice(["x", "y", "z"], size=n)})
    frame["y"] = frame["a"] * 3 + (frame["c"] == "x") + rng.normal(scale=0.5, size=n)
    job = automl.regression(training_data=frame, target_column_name="y", n_cross_validations=2)
    return prepare(job.data, job.featurization, task=get_task("regression"))


def test_a_forest_short_of_time_records_the_trees_it_fitted_and_the_refit_fits_as_many(prepared):
    task = prepared.task
    spec = TrialSpec(0, "t_0", task.algorithms["RandomForest"], {"n_estimators": 3000}, max_seconds=3.0)
    result = task.evaluate_trial(spec, prepared.trial_data(), "r2_score")
    assert result.status == COMPLETED and result.score > 0.8
    fitted = result.params["n_estimators"]
    assert MIN_MEMBERS <= fitted < 3000
    # The trees were grown under the leaf cap for the trees wanted; the refit grows the same trees,
    # not the larger (and slower) ones the cap would allow so few.
    rows = max(f.X_train.shape[0] for f in prepared.trial_data().folds)
    leaves = spec.algorithm.sized_params(spec.params, rows)["max_leaf_nodes"]
    assert result.params["max_leaf_nodes"] == leaves < spec.algorithm.sized_params({"n_estimators": fitted}, rows).get(
        "max_leaf_nodes", np.inf)
    refit = refit_trial(result, prepared)[-1]
    assert (refit.n_estimators, refit.max_leaf_nodes) == (fitted, leaves)


def test_a_forest_whose_allowance_holds_too_few_trees_is_skipped_with_the_reason(prepared):
    task = prepared.task
    spec = TrialSpec(0, "t_0", task.algorithms["RandomForest"], {"n_estimators": 3000}, max_seconds=0.002)
    result = task.evaluate_trial(spec, prepared.trial_data(), "r2_score")
    assert result.status == CANCELED and np.isnan(result.score)
    # 3000 trees asked for, fewer after the size cap; one fitted, and no more fit in the allowance
    assert re.match(r"skipped: 1 of its \d+ members \(n_estimators\) fit the 0.0 s it may take", result.error)
    assert f"fewer than {MIN_MEMBERS} are not worth keeping" in result.error


def test_a_forest_with_time_to_spare_keeps_its_configuration(prepared):
    task = prepared.task
    spec = TrialSpec(0, "t_0", task.algorithms["RandomForest"], {"n_estimators": 5}, max_seconds=600.0)
    result = task.evaluate_trial(spec, prepared.trial_data(), "r2_score")
    assert result.params == {"n_estimators": 5}
    assert result.model_bytes > 0


def test_a_trials_memory_estimate_grows_with_its_data_and_its_model(prepared):
    task, data = prepared.task, prepared.trial_data()
    booster = task.trial_memory_bytes(TrialSpec(0, "t_0", task.algorithms["LightGBM"]), data)
    fold = max(data.folds, key=lambda f: f.X_train.shape[0])
    assert booster >= fold.X_train.nbytes + fold.X_valid.nbytes + fold.X_train.shape[0] * fold.X_train.shape[1] * 8
    forest = task.trial_memory_bytes(TrialSpec(0, "t_0", task.algorithms["RandomForest"]), data)
    assert forest - booster == task.algorithms["RandomForest"].model_bytes({}, fold.X_train.shape[0], 1,
                                                                           fold.X_train.shape[1]) > 0
    half = dataclasses.replace(data, folds=[dataclasses.replace(f, X_train=f.X_train[: len(f.X_train) // 2])
                                            for f in data.folds])
    assert task.trial_memory_bytes(TrialSpec(0, "t_0", task.algorithms["LightGBM"]), half) < booster


def _sluggish_spec(task, seconds: float, **fields) -> TrialSpec:
    return TrialSpec(0, "t_0", task.algorithms["Sluggish"], {"seconds": seconds}, **fields)


def test_a_learner_that_cannot_grow_is_stopped_after_a_first_fold_far_past_its_allowance(prepared):
    task, data = prepared.task, prepared.trial_data()
    with registered_test_algorithm("regression", "Sluggish", "sleep"):
        # two folds of at least 0.8 s each would take 1.6 s or more: over twice the 0.25 s allowed
        result = task.evaluate_trial(_sluggish_spec(task, 0.8, max_seconds=0.25, stop_when_slow=True),
                                     data, "r2_score")
    assert result.status == CANCELED and np.isnan(result.score) and result.valid_predictions is None
    assert re.fullmatch(r"skipped: its first fold took \d+\.\d s, so its 2 folds would take about \d+ s, "
                        rf"more than {PAST_ALLOWANCE:g}x the 0\.2 s a trial may take", result.error), result.error
    assert 0.8 <= result.duration_seconds < 1.6     # the second fold was not fitted


@pytest.mark.parametrize("fields", [{"max_seconds": 0.25, "stop_when_slow": False},   # no trial scored yet
                                    {"max_seconds": 1.5, "stop_when_slow": True},     # about 1.6 s: within 2x 1.5 s
                                    {"max_seconds": None, "stop_when_slow": True}])   # no allowance
def test_a_learner_within_twice_its_allowance_or_not_yet_to_be_stopped_runs_all_its_folds(prepared, fields):
    task, data = prepared.task, prepared.trial_data()
    with registered_test_algorithm("regression", "Sluggish", "sleep"):
        result = task.evaluate_trial(_sluggish_spec(task, 0.8, **fields), data, "r2_score")
    assert result.status == COMPLETED and result.duration_seconds >= 1.6


def test_a_learner_that_grows_is_held_to_its_allowance_by_its_members_not_stopped_for_its_pace(prepared):
    task = prepared.task
    spec = TrialSpec(0, "t_0", task.algorithms["RandomForest"], {"n_estimators": 3000}, max_seconds=3.0,
                     stop_when_slow=True)
    result = task.evaluate_trial(spec, prepared.trial_data(), "r2_score")
    assert result.status == COMPLETED and MIN_MEMBERS <= result.params["n_estimators"] < 3000


def test_a_booster_is_stopped_inside_its_first_fold_once_its_pace_says_it_will_be_skipped(prepared):
    # 5,000 boosting rounds of 255 leaves take about 40 s a fold; the first fold is stopped at twice the
    # allowance's share of one fold (0.4 s), not fitted to its end to be skipped after it.
    task, data = prepared.task, prepared.trial_data()
    spec = TrialSpec(0, "t_0", task.algorithms["LightGBM"], {"n_estimators": 5_000, "num_leaves": 255,
                                                            "learning_rate": 0.001, "min_child_samples": 2},
                     max_seconds=0.4, stop_when_slow=True)
    result = task.evaluate_trial(spec, data, "r2_score")
    assert result.status == CANCELED and np.isnan(result.score) and result.valid_predictions is None
    assert re.fullmatch(r"skipped: its first fold was stopped after \d+\.\d s, at iteration \d+: its 2 folds would "
                        rf"take more than {PAST_ALLOWANCE:g}x the 0\.4 s a trial may take", result.error), result.error
    assert result.duration_seconds < 2.0
