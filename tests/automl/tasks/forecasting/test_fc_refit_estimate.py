"""The forecasting refit is estimated from the trials' fits, not their series-by-series forecasts."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from automl.core import COMPLETED, TrialResult, TrialSpec
from automl.settings import DataSettings, ForecastingSettings
from automl.tasks import get_task
from automl.tasks.forecasting import evaluate_forecast_trial, prepare_forecasting
from automl.tasks.forecasting._forecasting_task import REFIT_FOLD_FACTOR
from automl.timeseries import FORECASTING

from .conftest import monthly_panel


def test_a_trial_records_its_fit_time_apart_from_its_forecasts():
    settings = ForecastingSettings(time_column_name="date", forecast_horizon=6, time_series_id_column_names=["store"],
                                   target_lags=[1, 2]).normalized()
    settings.validate()
    prepared = prepare_forecasting(DataSettings(training_data=monthly_panel(n_series=4, length=60),
                                                target_column_name="sales"), settings)
    trial = evaluate_forecast_trial(TrialSpec(0, "t_0", FORECASTING["ElasticNet"], {}), prepared.trial,
                                    "normalized_root_mean_squared_error")
    assert trial.status == COMPLETED, trial.error
    assert 0 < trial.fit_seconds < trial.duration_seconds


def _trial(duration: float, fit: float) -> TrialResult:
    return TrialResult(1, "job_1", "ElasticNet", "", {}, COMPLETED, score=0.1, duration_seconds=duration,
                       fit_seconds=fit)


def _five_folds() -> SimpleNamespace:
    """What the estimate reads of a job's prepared data: five rolling-origin folds."""
    return SimpleNamespace(validation=SimpleNamespace(n_folds=5))


def test_the_refit_estimate_counts_the_fits_of_the_members():
    task = get_task("forecasting")
    slow_forecasts, quick = _trial(duration=90.0, fit=3.0), _trial(duration=10.0, fit=2.0)
    assert task.final_fit_seconds([slow_forecasts, quick], _five_folds()) == pytest.approx(REFIT_FOLD_FACTOR * 5.0 / 5)
    # A trial that did not measure its fits apart (0) is estimated from its whole duration.
    assert task.final_fit_seconds([_trial(duration=10.0, fit=0.0)], _five_folds()) == pytest.approx(REFIT_FOLD_FACTOR * 2.0)
