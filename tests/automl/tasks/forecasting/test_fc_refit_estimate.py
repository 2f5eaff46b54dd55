"""The forecasting refit is estimated from the trials' fits, not their series-by-series forecasts; the
classical models that move on to a longer history are fitted once in validation (#20.3)."""
from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import pytest

from automl.core import COMPLETED, TrialResult, TrialSpec
from automl.settings import DataSettings, ForecastingSettings
from automl.tasks import get_task
from automl.tasks.forecasting import evaluate_forecast_trial, prepare_forecasting
from automl.tasks.forecasting._forecasting_task import REFIT_FOLD_FACTOR
from automl.timeseries import FORECASTING, StatsForecaster

from .conftest import monthly_panel

NRMSE = "normalized_root_mean_squared_error"


def _panel_trial_data(n_series: int = 4, length: int = 60):
    settings = ForecastingSettings(time_column_name="date", forecast_horizon=6,
                                   time_series_id_column_names=["store"]).normalized()
    settings.validate()
    return prepare_forecasting(DataSettings(training_data=monthly_panel(n_series=n_series, length=length),
                                            target_column_name="sales", n_cross_validations=3), settings).trial


def _counting_fits(monkeypatch) -> list[int]:
    """Record the number of series of every StatsForecaster fit."""
    fits, fit = [], StatsForecaster.fit

    def counted(self, series, spec):
        fits.append(len(series))
        return fit(self, series, spec)

    monkeypatch.setattr(StatsForecaster, "fit", counted)
    return fits


def test_ets_is_fitted_once_and_moves_on_to_the_later_windows(monkeypatch):
    data = _panel_trial_data()
    fits = _counting_fits(monkeypatch)
    trial = evaluate_forecast_trial(TrialSpec(0, "t_0", FORECASTING["ExponentialSmoothing"], {}), data, NRMSE)
    assert trial.status == COMPLETED, trial.error
    assert fits == [4]  # one fit, on the oldest window's 4 histories, for 3 windows
    # The later windows' forecasts are those of the oldest window's model run over their histories.
    oldest = StatsForecaster("ets").fit([data.series[i].head(cut) for i, cut in data.cuts[0]], data.spec)
    i, cut = data.cuts[-1][0]
    s, h = data.series[i], data.spec.horizon
    moved_on = oldest.predict_series(s.head(cut), s.times[cut:cut + h], s.X.iloc[cut:cut + h])
    last = (data.instance_fold == len(data.cuts) - 1) & (data.instance_series == i)
    assert trial.valid_predictions[last] == pytest.approx(moved_on, rel=1e-5)


def test_arimax_is_refit_when_its_algorithm_does_not_fit_once(monkeypatch):
    data = _panel_trial_data()
    fits = _counting_fits(monkeypatch)
    monkeypatch.setitem(FORECASTING._algorithms, "Arimax",
                        dataclasses.replace(FORECASTING["Arimax"], fits_once=False))
    trial = evaluate_forecast_trial(TrialSpec(0, "t_0", FORECASTING["Arimax"], {}), data, NRMSE)
    assert trial.status == COMPLETED, trial.error
    assert fits == [4, 4, 4]


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


def test_a_member_fitted_once_counts_its_one_fit():
    task = get_task("forecasting")
    ets = TrialResult(1, "job_1", "ExponentialSmoothing", "", {}, COMPLETED, score=0.1, duration_seconds=9.0,
                      fit_seconds=4.0)
    learner = _trial(duration=10.0, fit=5.0)
    assert task.final_fit_seconds([ets, learner], _five_folds()) == pytest.approx(REFIT_FOLD_FACTOR * (4.0 + 1.0))
