"""The final refit keeps the job within its time limit: the best trial whose refit fits goes first."""
from types import SimpleNamespace

import pytest

from automl.core import COMPLETED, TrialResult
from automl.engine._budget import refit_order as order_by_estimate
from automl.tasks.tabular import refit_seconds


def refit_estimate(trial, n_folds, workers=1):
    """The tabular refit estimate of a trial (an ensemble: its members, ``workers`` at a time)."""
    members = trial.ensemble.members if trial.ensemble is not None else [trial]
    return refit_seconds(members, n_folds, workers)


def refit_order(ranked, n_folds, seconds_left, workers=1):
    return order_by_estimate(ranked, lambda t: refit_estimate(t, n_folds, workers), seconds_left)


def _trial(iteration, seconds, members=None):
    trial = TrialResult(iteration, f"job_{iteration}", "LightGBM", "MaxAbsScaler", {}, COMPLETED,
                        score=1.0 - iteration / 10, duration_seconds=seconds)
    if members is not None:
        trial.ensemble = SimpleNamespace(members=members)
    return trial


def test_an_ensemble_is_estimated_from_one_fold_of_each_member():
    a, b = _trial(1, 30.0), _trial(2, 10.0)
    # 10 folds: one fold fits on 9/10 of the rows, the refit on all of them (plus a 10% margin).
    assert refit_estimate(_trial(0, 0.0, members=[a, b]), n_folds=10) == pytest.approx(1.1 * 10 / 9 * 4.0)
    assert refit_estimate(a, n_folds=3) == pytest.approx(1.1 * 1.5 * 10.0)
    assert refit_estimate(a, n_folds=1) == pytest.approx(1.1 / 0.9 * 30.0)


def test_members_refit_in_parallel_take_at_least_the_slowest_member():
    a, b, c = _trial(1, 30.0), _trial(2, 10.0), _trial(3, 20.0)
    factor = 1.1 / 0.9
    assert refit_estimate(_trial(0, 0.0, members=[a, b, c]), n_folds=1, workers=2) == pytest.approx(factor * 30.0)
    assert refit_estimate(_trial(0, 0.0, members=[b, c]), n_folds=1, workers=2) == pytest.approx(factor * 20.0)
    assert refit_estimate(_trial(0, 0.0, members=[b, c]), n_folds=1, workers=1) == pytest.approx(factor * 30.0)


def test_a_refit_that_would_overrun_goes_after_those_that_fit():
    slow_single, quick_single = _trial(1, 40.0), _trial(2, 2.0)
    ensemble = _trial(0, 0.0, members=[slow_single, quick_single])
    ranked = [ensemble, slow_single, quick_single]
    assert refit_order(ranked, n_folds=1, seconds_left=100.0) == ranked
    assert refit_order(ranked, n_folds=1, seconds_left=10.0) == [quick_single, ensemble, slow_single]


def test_when_nothing_fits_the_quickest_refit_comes_first():
    slow, slower = _trial(0, 20.0), _trial(1, 50.0)
    assert refit_order([slower, slow], n_folds=1, seconds_left=-5.0) == [slow, slower]
