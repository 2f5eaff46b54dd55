"""The final refit keeps the job within its time limit: the best trial whose refit fits goes first."""
from types import SimpleNamespace

import numpy as np
import pytest

from automl.core import COMPLETED, TrialResult
from automl.engine._budget import RESULT_WRITE_FIXED_SECONDS, result_write_seconds
from automl.engine._budget import refit_order as order_by_estimate
from automl.tasks.tabular import refit_seconds


def refit_estimate(trial, n_folds, workers=1):
    """The tabular refit estimate of a trial (an ensemble: its members, ``workers`` at a time)."""
    members = trial.ensemble.members if trial.ensemble is not None else [trial]
    return refit_seconds(members, n_folds, workers)


def refit_order(ranked, n_folds, seconds_left, workers=1):
    return order_by_estimate(ranked, lambda t: refit_estimate(t, n_folds, workers), seconds_left)


def _prepared(n_folds, final_model="refit"):
    """What the engine's estimates read of a job's prepared data (forecasting: no series, no folds)."""
    return SimpleNamespace(validation=SimpleNamespace(n_folds=n_folds), final_model=final_model,
                           models_per_member=n_folds if final_model == "bag" else 1,
                           series=[], trial=SimpleNamespace(cuts=[]))


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


def test_the_refit_estimate_counts_logging_the_model_it_makes():
    from automl.engine._budget import logging_seconds, refit_estimate as engine_estimate
    from automl.tasks import get_task

    task = get_task("regression")
    small, large = _trial(1, 10.0), _trial(2, 10.0)
    large.model_bytes = 800 * 2**20   # a forest ensemble's worth: seconds to pickle and write
    assert engine_estimate(task, large, _prepared(1)) - engine_estimate(task, small, _prepared(1)) == pytest.approx(
        logging_seconds(800 * 2**20) - logging_seconds(0))
    assert logging_seconds(800 * 2**20) >= 8.0
    ensemble = _trial(0, 0.0, members=[small, large])
    assert engine_estimate(task, ensemble, _prepared(1)) >= task.final_fit_seconds([small, large], _prepared(1)) + logging_seconds(800 * 2**20)


def test_the_search_keeps_time_for_logging_what_it_will_refit():
    from automl.engine._budget import logging_seconds, post_search_reserve
    from automl.engine.scheduler import StopRules
    from automl.metrics import REGRESSION_METRICS
    from automl.settings import LimitSettings
    from automl.tasks import get_task

    task, metric = get_task("regression"), REGRESSION_METRICS["r2_score"]
    reserves = []
    for model_bytes in (0, 500 * 2**20):
        stop = StopRules(LimitSettings(timeout_minutes=10), metric)
        trial = _trial(1, 4.0)
        trial.model_bytes = model_bytes
        post_search_reserve(stop, task, _prepared(1), 600.0, metric, explain=False)(trial)
        reserves.append(stop.reserve_seconds)
    assert reserves[1] - reserves[0] == pytest.approx(logging_seconds(500 * 2**20) - logging_seconds(0))


def test_a_refit_whose_estimate_only_just_fits_the_time_left_is_not_taken():
    from automl.engine._budget import REFIT_SAFETY, logging_seconds, refit_estimate as engine_estimate
    from automl.tasks import get_task

    task = get_task("regression")
    ensemble_member, quick = _trial(1, 20.0), _trial(2, 1.0)
    ensemble = _trial(0, 0.0, members=[ensemble_member])
    point = task.final_fit_seconds([ensemble_member], _prepared(1)) + logging_seconds(0)   # the estimate without margin
    assert engine_estimate(task, ensemble, _prepared(1)) == pytest.approx(REFIT_SAFETY * task.final_fit_seconds([ensemble_member], _prepared(1))
                                                               + logging_seconds(0))
    order = order_by_estimate([ensemble, quick], lambda t: engine_estimate(task, t, _prepared(1)), seconds_left=point + 1.0)
    assert order == [quick, ensemble]


@pytest.mark.parametrize("task_name", ["regression", "forecasting"])
def test_the_reserve_for_what_follows_the_search_is_capped_at_the_tasks_share(task_name):
    from automl.engine._budget import post_search_reserve
    from automl.engine.scheduler import StopRules
    from automl.metrics import REGRESSION_METRICS
    from automl.settings import LimitSettings
    from automl.tasks import get_task

    task, metric = get_task(task_name), REGRESSION_METRICS["normalized_root_mean_squared_error"]
    stop = StopRules(LimitSettings(timeout_minutes=2), metric)
    post_search_reserve(stop, task, _prepared(1), 120.0, metric, explain=True)(_trial(1, 1000.0))  # a refit far too long
    assert stop.reserve_seconds == pytest.approx(task.max_post_search_share * 120.0)
    assert get_task("forecasting").max_post_search_share > get_task("regression").max_post_search_share


def test_writing_the_result_is_estimated_from_the_trials_predictions_and_the_final_model():
    task = SimpleNamespace(final_model_bytes=lambda members, prepared: 50 * 2**20 * len(members))
    a, b = _trial(0, 1.0), _trial(1, 1.0)
    a.valid_predictions, a.valid_rows = np.zeros(10 * 2**17), np.arange(2**17)  # 10 MB and 1 MB
    assert result_write_seconds(task, None, [], None) == RESULT_WRITE_FIXED_SECONDS
    assert result_write_seconds(task, None, [a, b], b) == pytest.approx(RESULT_WRITE_FIXED_SECONDS + 61 / 100)
    vote = _trial(2, 0.0, members=[a, b])
    assert result_write_seconds(task, None, [a, b, vote], vote) == pytest.approx(RESULT_WRITE_FIXED_SECONDS + 1.11)


def test_when_nothing_fits_a_refit_about_as_quick_as_the_quickest_is_chosen_by_rank():
    # At a budget of seconds every estimate is about the fixed logging cost: the quickest by a hair may be a
    # far worse model (sonar at 6 s refit a constant LightGBM of validation AUC 0.5 over one of 0.93).
    good, constant, slow = _trial(0, 0.30), _trial(1, 0.05), _trial(2, 20.0)
    assert refit_order([good, constant, slow], n_folds=1, seconds_left=0.0) == [good, constant, slow]
    assert refit_order([good, constant, slow], n_folds=1, seconds_left=-5.0) == [good, constant, slow]
    slower = _trial(0, 5.0)  # seconds slower than the quickest: the quickest still goes first
    assert refit_order([slower, constant], n_folds=1, seconds_left=0.0) == [constant, slower]
