"""The final model's fits held to a deadline: a vote goes without a member, a bag without a fold, and what
cannot go without its fits raises PastDeadline."""
from __future__ import annotations

import dataclasses
import time

import numpy as np
import pandas as pd
import pytest

import automl
from automl.core import COMPLETED, PastDeadline, TrialResult, TrialSpec
from automl.ensembles import StackEnsembleSpec, VotingEnsembleSpec
from automl.tasks import get_task
from automl.tasks.tabular import _refit, prepare, refit_steps, refit_trial
from automl.tasks.tabular._bagging import BAG, REFIT, final_model_kind
from automl.settings import TrainingSettings


def _prepared(final_model: str):
    rng = np.random.default_rng(0)
    x, z = rng.normal(size=150), rng.normal(size=150)
    label = np.where(x - z + rng.normal(scale=0.5, size=150) > 0, "yes", "no")
    job = automl.classification(training_data=pd.DataFrame({"x": x, "z": z, "label": label}),
                                target_column_name="label", n_cross_validations=3, log_verbosity="warning")
    prepared = prepare(job.data, job.featurization, task=get_task("classification"))
    prepared.final_model, prepared.final_model_reason = final_model_kind(TrainingSettings(), prepared)
    return dataclasses.replace(prepared, final_model=final_model)


def _trial(prepared, iteration: int, algorithm: str, params: dict | None = None) -> TrialResult:
    spec = TrialSpec(iteration, f"job_{iteration}", prepared.task.algorithms[algorithm], params or {})
    result = prepared.task.evaluate_trial(spec, prepared.trial_data(), "AUC_weighted")
    assert result.status == COMPLETED, result.error
    return result


@pytest.fixture
def stuck_fits(held_refit_fits):
    """``stuck_fits(iteration, fold=None)``: the refit of that trial (that fold of its bag, or all of them) never
    returns until the test ends."""
    return lambda iteration, fold=None: held_refit_fits(
        lambda trial, at: trial.iteration == iteration and (fold is None or fold == at))


def _vote(prepared, members, weights) -> TrialResult:
    vote = TrialResult(9, "job_9", "VotingEnsemble", "", {}, COMPLETED)
    vote.ensemble = VotingEnsembleSpec(members, np.asarray(weights))
    return vote


@pytest.mark.parametrize("final_model", [REFIT, BAG])
def test_a_vote_goes_without_a_member_not_fitted_by_the_deadline(stuck_fits, final_model):
    prepared = _prepared(final_model)
    members = [_trial(prepared, 0, "LightGBM", {"n_estimators": 20}), _trial(prepared, 1, "LogisticRegression"),
               _trial(prepared, 2, "DecisionTree")]
    stuck_fits(2)  # the last: the fits of the others are not queued behind its stuck ones
    notes: list[str] = []
    model = refit_trial(_vote(prepared, members, [0.5, 0.3, 0.2]), prepared, workers=2,
                        deadline=time.monotonic() + 5.0, notes=notes)
    # The vote of the two others, their weights scaled to sum to one.
    X = prepared.X.iloc[:30]
    alone = [refit_trial(m, prepared).predict_proba(X) for m in members[:2]]
    np.testing.assert_allclose(model.predict_proba(X), (0.5 * alone[0] + 0.3 * alone[1]) / 0.8, rtol=1e-9)
    assert notes == ["job_9 (VotingEnsemble) goes without the refit of trial(s) 2: not fitted by the job's limit"]


def test_a_stack_cannot_go_without_a_member():
    prepared = _prepared(REFIT)
    members = [_trial(prepared, 0, "LightGBM", {"n_estimators": 20}), _trial(prepared, 1, "LogisticRegression")]
    stack = TrialResult(9, "job_9", "StackEnsemble", "", {}, COMPLETED)
    stack.ensemble = StackEnsembleSpec(members, "LogisticRegression", {}, None, np.arange(150))
    fitted = {0: object(), 1: None}
    with pytest.raises(PastDeadline, match=r"the refit of trial\(s\) 1 not fitted by the job's limit"):
        _refit.refit_ensemble(stack, prepared, lambda member: fitted[member.iteration])


def test_a_single_trial_not_refit_by_the_deadline_raises_past_deadline(stuck_fits):
    prepared = _prepared(REFIT)
    trial = _trial(prepared, 0, "LogisticRegression")
    stuck_fits(0)
    with pytest.raises(PastDeadline, match="its refit on all rows did not return by the job.s limit"):
        refit_trial(trial, prepared, deadline=time.monotonic() + 2.0)


def test_a_bag_goes_without_a_fold_not_fitted_by_the_deadline(stuck_fits):
    prepared = _prepared(BAG)
    trial = _trial(prepared, 0, "LogisticRegression")
    stuck_fits(0, fold=1)
    model = refit_trial(trial, prepared, workers=2, deadline=time.monotonic() + 5.0)
    bag = model.named_steps["bag"]
    assert list(bag.named_estimators_) == ["fold_0", "fold_2"]
    assert "the model(s) of fold(s) 1 of job_0 left out: not fitted by the job's limit" in prepared.final_model_reason
    X = prepared.X.iloc[:30]
    Z = prepared.refit_transformer.transform(X)
    rows = _refit.bag_rows(prepared)
    expected = np.mean([refit_steps(trial, prepared, rows=rows[i]).predict_proba(Z) for i in (0, 2)], axis=0)
    np.testing.assert_allclose(model.predict_proba(X), expected, rtol=1e-9)


@pytest.mark.parametrize("final_model", [REFIT, BAG])
def test_a_booster_refit_at_its_deadline_keeps_the_iterations_it_has_and_the_notes_say_so(final_model):
    prepared = _prepared(final_model)
    trial = _trial(prepared, 0, "LightGBM", {"n_estimators": 200})
    notes: list[str] = []
    model = refit_trial(trial, prepared, deadline=time.monotonic() - 0.5, notes=notes)  # stops at once
    fits = list(model.named_steps["bag"].named_estimators_.values()) if final_model == BAG else [model]
    assert [fit[-1].booster_.current_iteration() for fit in fits] == [1] * len(fits)
    iterations = "/".join(["1"] * len(fits))
    assert notes == [f"the refit of trial(s) 0 ended at the job's limit with {iterations} iterations (boosting "
                     "rounds or trees): fewer than its trial fitted"]
    assert refit_trial(trial, prepared, deadline=time.monotonic() + 60, notes=notes) and len(notes) == 1


def test_a_forest_refit_at_its_deadline_keeps_its_first_chunk_of_trees_and_the_notes_say_so():
    prepared = _prepared(REFIT)
    trial = _trial(prepared, 0, "RandomForest", {"n_estimators": 200})
    notes: list[str] = []
    model = refit_trial(trial, prepared, deadline=time.monotonic() - 0.5, notes=notes)
    assert len(model[-1].estimators_) == 20 and model[-1].n_estimators == 20  # a tenth of its 200 trees
    assert notes == ["the refit of trial(s) 0 ended at the job's limit with 20 iterations (boosting rounds or "
                     "trees): fewer than its trial fitted"]
    assert len(refit_trial(trial, prepared, deadline=time.monotonic() + 60)[-1].estimators_) == 200


def test_a_bag_whose_folds_all_fail_validation_at_its_deadline_keeps_them_rather_than_refit(monkeypatch):
    prepared = _prepared(BAG)
    trial = _trial(prepared, 0, "LogisticRegression")
    monkeypatch.setattr(_refit, "validated_folds", lambda member, models, prepared: ([], "every fold far worse"))
    # With time left, the member is refit on all rows instead, as before.
    model = refit_trial(trial, prepared, deadline=time.monotonic() + 60)
    assert "bag" not in model.named_steps and "job_0 refit on all training rows instead" in prepared.final_model_reason
    # At the deadline (the folds' fits, warm now, return within the second they are waited for past it): kept.
    prepared = _prepared(BAG)
    model = refit_trial(trial, prepared, deadline=time.monotonic())
    assert list(model.named_steps["bag"].named_estimators_) == ["fold_0", "fold_1", "fold_2"]
    assert "(kept: no time was left to refit job_0 on all training rows)" in prepared.final_model_reason
