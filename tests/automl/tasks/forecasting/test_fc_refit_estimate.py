"""The forecasting refit is estimated from the trials' fits, not their series-by-series forecasts; the
classical models search on the oldest validation window only and re-estimate their choice on the later ones (#20.3)."""
from __future__ import annotations

import dataclasses
import importlib
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


def _counting_searches(monkeypatch) -> list[str]:
    """Record every ETS search and every re-estimate of a chosen model."""
    calls = []
    for module in ("automl.timeseries._classical",):
        for name in ("auto_ets", "auto_arima", "refit_chosen"):
            original = getattr(importlib.import_module(module), name)

            def counted(*args, _name=name, _original=original, **kwargs):
                calls.append(_name)
                return _original(*args, **kwargs)

            monkeypatch.setattr(f"{module}.{name}", counted)
    return calls


def test_ets_searches_on_the_oldest_window_and_refits_its_choice_on_the_later_ones(monkeypatch):
    data = _panel_trial_data()
    calls = _counting_searches(monkeypatch)
    trial = evaluate_forecast_trial(TrialSpec(0, "t_0", FORECASTING["ExponentialSmoothing"], {}), data, NRMSE)
    assert trial.status == COMPLETED, trial.error
    assert calls == ["auto_ets"] * 4 + ["refit_chosen"] * 8  # 4 series, 3 windows
    # A later window's forecaster has the oldest window's choice, its parameters from its own history.
    oldest = StatsForecaster("ets").fit([data.series[i].head(cut) for i, cut in data.cuts[0]], data.spec)
    histories = [data.series[i].head(cut) for i, cut in data.cuts[-1]]
    later, searched = oldest.fit_chosen(histories), StatsForecaster("ets").fit(histories, data.spec)
    for history in histories:
        assert later.models_[history.key].options == oldest.models_[history.key].options
        assert later.lengths_[history.key] == len(history)
    i, cut = data.cuts[-1][0]
    s, h = data.series[i], data.spec.horizon
    forecast = later.predict_series(s.head(cut), s.times[cut:cut + h], s.X.iloc[cut:cut + h])
    last = (data.instance_fold == len(data.cuts) - 1) & (data.instance_series == i)
    assert trial.valid_predictions[last] == pytest.approx(forecast, rel=1e-5)
    assert set(searched.models_) == set(later.models_)


def test_arima_searches_every_window_when_its_algorithm_does_not_search_once(monkeypatch):
    data = _panel_trial_data()
    calls = _counting_searches(monkeypatch)
    monkeypatch.setitem(FORECASTING._algorithms, "AutoArima",
                        dataclasses.replace(FORECASTING["AutoArima"], searches_once=False))
    trial = evaluate_forecast_trial(TrialSpec(0, "t_0", FORECASTING["AutoArima"], {}), data, NRMSE)
    assert trial.status == COMPLETED, trial.error
    assert calls == ["auto_arima"] * 12


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


def test_a_member_that_searched_once_counts_its_fits_as_one():
    task = get_task("forecasting")
    ets = TrialResult(1, "job_1", "ExponentialSmoothing", "", {}, COMPLETED, score=0.1, duration_seconds=9.0,
                      fit_seconds=4.0)
    learner = _trial(duration=10.0, fit=5.0)
    assert task.final_fit_seconds([ets, learner], _five_folds()) == pytest.approx(REFIT_FOLD_FACTOR * (4.0 + 1.0))
