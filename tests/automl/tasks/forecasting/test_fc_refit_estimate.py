"""The forecasting refit is estimated from the trials' fits (not their series-by-series forecasts),
scaled by the longer full histories and by the cores the refit fits series with side by side."""
from __future__ import annotations

import multiprocessing
from types import SimpleNamespace

import pytest

from automl.core import COMPLETED, TrialResult, TrialSpec
from automl.settings import DataSettings, ForecastingSettings
from automl.tasks import get_task
from automl.tasks._task import REFIT_MARGIN
from automl.tasks.forecasting import evaluate_forecast_trial, prepare_forecasting
from automl.tasks.forecasting._refit import PARALLEL_SERIES_EFFICIENCY, history_growth, refit_seconds
from automl.timeseries import FORECASTING, PARALLEL_SERIES

from .conftest import monthly_panel


def _prepared(n_series: int, length: int = 60):
    """Monthly series of ``length`` points, horizon 6, three folds: origins after 42, 48 and 54 points."""
    settings = ForecastingSettings(time_column_name="date", forecast_horizon=6, time_series_id_column_names=["store"],
                                   target_lags=[1, 2]).normalized()
    settings.validate()
    return prepare_forecasting(DataSettings(training_data=monthly_panel(n_series=n_series, length=length),
                                            target_column_name="sales", n_cross_validations=3), settings)


def test_a_trial_records_its_fit_time_apart_from_its_forecasts():
    prepared = _prepared(4)
    trial = evaluate_forecast_trial(TrialSpec(0, "t_0", FORECASTING["ElasticNet"], {}), prepared.trial,
                                    "normalized_root_mean_squared_error")
    assert trial.status == COMPLETED, trial.error
    assert 0 < trial.fit_seconds < trial.duration_seconds


def _trial(duration: float, fit: float, algorithm: str = "ElasticNet") -> TrialResult:
    return TrialResult(1, "job_1", algorithm, "", {}, COMPLETED, score=0.1, duration_seconds=duration,
                       fit_seconds=fit)


def test_the_full_histories_are_longer_than_the_folds_by_their_points():
    prepared = _prepared(2)
    assert [cut for fold in prepared.trial.cuts for _, cut in fold[:1]] == [42, 48, 54]
    assert history_growth(prepared) == pytest.approx(60 / 48)


def test_the_refit_estimate_counts_the_fits_of_the_members():
    prepared, scale = _prepared(2), REFIT_MARGIN * 60 / 48
    slow_forecasts, quick = _trial(duration=90.0, fit=3.0), _trial(duration=10.0, fit=2.0)
    assert refit_seconds([slow_forecasts, quick], prepared, workers=1) == pytest.approx(scale * 5.0 / 3)
    # A trial that did not measure its fits apart (0) is estimated from its whole duration.
    assert refit_seconds([_trial(duration=9.0, fit=0.0)], prepared, workers=1) == pytest.approx(scale * 3.0)
    task = get_task("forecasting")
    assert task.final_fit_seconds([quick], prepared) == pytest.approx(refit_seconds([quick], prepared, workers=1))


def test_per_series_searches_refit_quicker_with_more_cores_from_enough_series():
    many, few = _prepared(PARALLEL_SERIES), _prepared(2)
    ets, learner = _trial(30.0, 30.0, "ExponentialSmoothing"), _trial(30.0, 30.0, "ElasticNet")
    one = refit_seconds([ets], many, workers=1)
    assert refit_seconds([ets], many, workers=2) == pytest.approx(one / (1 + PARALLEL_SERIES_EFFICIENCY))
    # Too few series to fit side by side, or one model over all series: no speedup counted.
    assert refit_seconds([ets], few, workers=2) == pytest.approx(refit_seconds([ets], few, workers=1))
    assert refit_seconds([learner], many, workers=2) == pytest.approx(one)


def test_no_speedup_is_counted_inside_a_process_that_cannot_start_others(monkeypatch):
    many, ets = _prepared(PARALLEL_SERIES), _trial(30.0, 30.0, "ExponentialSmoothing")
    monkeypatch.setattr(multiprocessing, "current_process", lambda: SimpleNamespace(daemon=True))
    assert refit_seconds([ets], many, workers=2) == pytest.approx(refit_seconds([ets], many, workers=1))
