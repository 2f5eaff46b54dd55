"""After the search, each stage fits the time left before the job's limit, or shrinks or is skipped, and
the result says why (``result.budget_notes``)."""
from __future__ import annotations

import threading
import time

import numpy as np
import pandas as pd
import pytest

import automl
from automl.engine._budget import END_OF_JOB_SECONDS, GRACE_SHARE
from automl.jobs import AutoMLJob
from automl.tasks import get_task
from automl.testing import registered_test_algorithm

pytestmark = pytest.mark.timing  # wall time against a limit: make test runs it alone


def _lightgbm_would_take_three_hours(monkeypatch):
    """The classification task, whose estimate of any final model with a LightGBM member is three hours."""
    task = get_task("classification")
    real = type(task).final_fit_seconds

    def final_fit_seconds(self, members, prepared):
        slow = any(m.algorithm == "LightGBM" for m in members)
        return 10_800.0 if slow else real(self, members, prepared)

    monkeypatch.setattr(type(task), "final_fit_seconds", final_fit_seconds)
    return task


def test_a_refit_that_would_not_fit_the_time_left_gives_way_and_the_result_says_why(
        small_classification_frame, monkeypatch):
    task = _lightgbm_would_take_three_hours(monkeypatch)
    with registered_test_algorithm("classification", "Prior", "fine", priority=-1):
        job = automl.classification(training_data=small_classification_frame, target_column_name="label",
                                    primary_metric="AUC_weighted", log_verbosity="warning")
        job.set_training(allowed_training_algorithms=["Prior", "LightGBM"],
                         enable_vote_ensemble=False, enable_stack_ensemble=False)
        job.set_limits(max_trials=2, max_concurrent_trials=1, timeout_minutes=1)
        result = job.submit(show_progress=False)
    lightgbm = next(t for t in result.trials if t.algorithm == "LightGBM")
    assert task.rank(result.trials, "AUC_weighted")[0] is lightgbm   # the best trial...
    assert result.best_trial.algorithm == "Prior"                     # ...is not the one refit
    note = next(n for n in result.budget_notes if n.startswith("refit "))
    assert f"instead of the best trial {lightgbm.name}" in note and "would not fit" in note


def test_a_bag_that_would_not_fit_the_time_left_gives_way_to_a_refit_of_the_same_trial(
        small_classification_frame, monkeypatch):
    from automl.tasks.tabular import _refit

    monkeypatch.setattr(_refit, "bag_seconds", lambda members, n_folds, workers=1: 10_800.0)  # "three hours"
    job = automl.classification(training_data=small_classification_frame, target_column_name="label",
                                primary_metric="AUC_weighted", log_verbosity="warning")
    job.set_training(allowed_training_algorithms=["LightGBM", "LogisticRegression"],
                     enable_vote_ensemble=False, enable_stack_ensemble=False, enable_model_explainability=False)
    job.set_limits(max_trials=2, max_concurrent_trials=1, timeout_minutes=1)
    result = job.submit(show_progress=False)
    best = get_task("classification").rank(result.trials, "AUC_weighted")[0]
    assert result.best_trial is best                                # the same trial...
    assert "bag" not in result.best_model.named_steps               # ...refit on all rows
    assert result.final_model == "refit on all training rows: a bag of the fold models would not fit the time left"
    note = next(n for n in result.budget_notes if n.startswith("final models refit"))
    assert f"that of the best trial {best.name}" in note and "would take about 13501 s" in note


def test_explanations_that_would_not_fit_the_time_left_are_skipped_and_the_result_says_why(
        small_classification_frame, monkeypatch):
    budget_seconds = 12.0
    task = get_task("classification")
    real_refit = type(task).refit
    submitted = []

    def slow_refit(self, trial, prepared, **deadline):
        # The refit ends 1.6 s before the time kept for the end of the job: before its fits' deadline, which
        # leaves the logging about 1 s, and with less than the explanations' 2-s minimum left after it.
        limit = submitted[0] + budget_seconds * (1 + GRACE_SHARE)
        time.sleep(max(0.0, limit - time.monotonic() - END_OF_JOB_SECONDS - 1.6))
        return real_refit(self, trial, prepared, **deadline)

    monkeypatch.setattr(type(task), "refit", slow_refit)
    job = automl.classification(training_data=small_classification_frame, target_column_name="label",
                                enable_model_explainability=True, log_verbosity="warning")
    job.set_training(allowed_training_algorithms=["DecisionTree"],
                     enable_vote_ensemble=False, enable_stack_ensemble=False)
    job.set_limits(max_trials=1, timeout_minutes=budget_seconds / 60)
    submitted.append(time.monotonic())
    result = job.submit(show_progress=False)
    assert result.best_model is not None and result.explanation is None
    assert any(n.startswith("explanations skipped") and "timeout_minutes + 5%" in n for n in result.budget_notes)


def test_a_job_with_time_to_spare_shrinks_nothing(small_classification_frame):
    job = automl.classification(training_data=small_classification_frame, target_column_name="label",
                                enable_model_explainability=True, log_verbosity="warning")
    job.set_training(allowed_training_algorithms=["DecisionTree"],
                     enable_vote_ensemble=False, enable_stack_ensemble=False)
    job.set_limits(max_trials=1, timeout_minutes=5)
    result = job.submit(show_progress=False)
    assert result.explanation is not None and result.budget_notes == []


def _noisy_classification_frame() -> pd.DataFrame:
    """200 rows whose labels no single model gets all right: the ensembles take several members."""
    rng = np.random.default_rng(0)
    x, z = rng.normal(size=200), rng.normal(size=200)
    colour = rng.choice(["red", "green", "blue"], 200)
    signal = x + 0.5 * z ** 2 + (colour == "red") + rng.normal(scale=0.8, size=200)
    return pd.DataFrame({"x": x, "z": z, "colour": colour, "label": np.where(signal > 0.7, "yes", "no")})


def _ensemble_job() -> AutoMLJob:
    """Six trials of four learners on :func:`_noisy_classification_frame`, then both ensembles."""
    job = automl.classification(training_data=_noisy_classification_frame(), target_column_name="label",
                                primary_metric="AUC_weighted", log_verbosity="warning")
    job.set_training(allowed_training_algorithms=["LightGBM", "LogisticRegression", "DecisionTree", "KNN"],
                     enable_model_explainability=False)
    job.set_limits(max_trials=6, max_concurrent_trials=1, timeout_minutes=1)
    return job


def test_ensemble_members_whose_final_model_would_not_fit_are_left_out_and_the_result_says_why(monkeypatch):
    _lightgbm_would_take_three_hours(monkeypatch)
    result = _ensemble_job().submit(show_progress=False)
    lightgbm = {t.iteration for t in result.trials if t.algorithm == "LightGBM"}
    ensembles = [t for t in result.trials if t.ensemble is not None]
    assert [t.algorithm for t in ensembles] == ["VotingEnsemble", "StackEnsemble"]
    for ensemble in ensembles:  # LightGBM was selected, and left out: with it, neither would fit
        left_out = ensemble.params["left_out_to_fit_time"]
        assert left_out and set(left_out) <= lightgbm
        assert all(m.algorithm != "LightGBM" for m in ensemble.ensemble.members) and ensemble.ensemble.members
        note = next(n for n in result.budget_notes if n.startswith(ensemble.name))
        assert f"leaves out trial(s) {', '.join(map(str, left_out))}:" in note and "would not fit" in note
    assert result.best_trial.algorithm != "LightGBM" and result.best_model is not None


def test_an_ensembles_final_model_is_held_to_the_time_left_after_the_ensembles_budget(monkeypatch):
    """A member whose final model fits the time left when the ensembles start, but not what is left once
    they have had their budget (a quarter of it), is left out: the refit comes after them."""
    from automl.engine._budget import ENSEMBLE_SHARE, REFIT_SAFETY

    task = get_task("classification")
    real = type(task).final_fit_seconds
    started = time.monotonic()

    def final_fit_seconds(self, members, prepared):
        if not any(m.algorithm == "LightGBM" for m in members):
            return real(self, members, prepared)
        left = 60.0 - (time.monotonic() - started) - END_OF_JOB_SECONDS
        # with its safety margin and logging (about 1 s), it fits what is left now, not what is left after
        # the ensembles' budget
        return (1 - 0.6 * ENSEMBLE_SHARE) * left / REFIT_SAFETY

    monkeypatch.setattr(type(task), "final_fit_seconds", final_fit_seconds)
    result = _ensemble_job().submit(show_progress=False)
    ensembles = [t for t in result.trials if t.ensemble is not None]
    assert ensembles
    for ensemble in ensembles:
        assert all(m.algorithm != "LightGBM" for m in ensemble.ensemble.members)
        note = next(n for n in result.budget_notes if n.startswith(ensemble.name))
        assert note.endswith("left before the job's limit once the ensembles are built")


@pytest.fixture
def refit_fits_never_return(held_refit_fits):
    """``refit_fits_never_return(algorithm)``: its fits for the final model do not return until the test ends."""
    return lambda algorithm: held_refit_fits(lambda trial, fold: trial.algorithm == algorithm)


def _timed(job: AutoMLJob):
    started = time.monotonic()
    result = job.submit(show_progress=False)
    return result, time.monotonic() - started


def test_a_vote_goes_without_a_member_whose_refit_does_not_return_and_the_job_keeps_its_limit(
        refit_fits_never_return):
    refit_fits_never_return("DecisionTree")
    job = _ensemble_job()
    # Refit on all rows: one fit per member, so the stuck one holds one of the two refit threads whatever its
    # place in the vote (a bag's stuck folds would hold both when it comes first).
    job.set_training(allowed_training_algorithms=["LightGBM", "LogisticRegression", "DecisionTree"],
                     enable_stack_ensemble=False, enable_model_explainability=False, final_model="refit")
    job.set_limits(timeout_minutes=0.4)
    result, seconds = _timed(job)
    assert seconds <= 0.4 * 60 * (1 + GRACE_SHARE)
    assert result.best_model is not None and result.best_trial.algorithm == "VotingEnsemble"
    trees = [m for m in result.best_trial.ensemble.members if m.algorithm == "DecisionTree"]
    assert trees, "the test needs a vote with a DecisionTree member"
    note = next(n for n in result.budget_notes if "goes without" in n)
    assert note.startswith(f"{result.best_trial.name} (VotingEnsemble) goes without the refit of trial(s) "
                           f"{', '.join(str(m.iteration) for m in trees)}: not fitted by the job's limit")
    assert all(name.split("_")[1] not in {str(m.iteration) for m in trees}
               for name in result.best_model.named_steps["ensemble"].named_estimators_)


def test_a_job_whose_only_refit_does_not_return_ends_at_its_limit_without_a_model_and_says_why(
        small_classification_frame, refit_fits_never_return):
    refit_fits_never_return("DecisionTree")
    job = automl.classification(training_data=small_classification_frame, target_column_name="label",
                                log_verbosity="warning")
    job.set_training(allowed_training_algorithms=["DecisionTree"],
                     enable_vote_ensemble=False, enable_stack_ensemble=False)
    job.set_limits(max_trials=1, timeout_minutes=0.2)
    result, seconds = _timed(job)
    assert seconds <= 0.2 * 60 * (1 + GRACE_SHARE)
    assert result.best_model is None and result.status == "Failed"
    trial = result.trials[0]
    assert result.budget_notes[-1].startswith(f"no final model from {trial.name} ({trial.display_name}): ")
    assert trial.error.startswith("refit stopped: ")


def test_the_engine_stops_waiting_for_a_refit_at_the_jobs_limit_whatever_the_task_does(
        small_classification_frame, monkeypatch):
    """A task's refit that ignores its deadline (in native code, or a task that cannot leave parts out)."""
    release = threading.Event()
    monkeypatch.setattr(type(get_task("classification")), "refit",
                        lambda self, trial, prepared, deadline=None, notes=None: release.wait(60))
    job = automl.classification(training_data=small_classification_frame, target_column_name="label",
                                log_verbosity="warning")
    job.set_training(allowed_training_algorithms=["DecisionTree"],
                     enable_vote_ensemble=False, enable_stack_ensemble=False)
    job.set_limits(max_trials=1, timeout_minutes=0.2)
    try:
        result, seconds = _timed(job)
    finally:
        release.set()
    assert seconds <= 0.2 * 60 * (1 + GRACE_SHARE)
    assert result.best_model is None
    assert "its refit was not done" in result.budget_notes[-1] and "at the job's limit" in result.budget_notes[-1]
