"""Seasons longer than the frequency's usual one: found by seasonality="auto", given to the learners."""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from automl.core import COMPLETED, TrialSpec
from automl.settings import DataSettings, ForecastingSettings
from automl.tasks.forecasting import evaluate_forecast_trial, make_trial_data, prepare_forecasting
from automl.timeseries import FORECASTING

METRIC = "normalized_root_mean_squared_error"


def _series(freq: str, periods: int, cycles: dict[float, float], seed: int = 0) -> pd.DataFrame:
    """A series of ``freq`` with a sine of each ``{period in days: amplitude}`` and unit noise."""
    times = pd.date_range("2021-01-01", periods=periods, freq=freq)
    days = (times - pd.Timestamp("1970-01-01")) / pd.Timedelta(days=1)
    y = 50 + np.random.default_rng(seed).normal(0, 1, periods)
    for period, amplitude in cycles.items():
        y = y + amplitude * np.sin(2 * np.pi * np.asarray(days) / period)
    return pd.DataFrame({"time": times, "y": y})


def _prepared(frame: pd.DataFrame, horizon: int, **settings):
    forecast = ForecastingSettings(time_column_name="time", forecast_horizon=horizon, **settings).normalized()
    forecast.validate()
    return prepare_forecasting(DataSettings(training_data=frame, target_column_name="y"), forecast)


def test_hourly_data_with_a_daily_and_a_weekly_cycle_shows_the_week():
    spec = _prepared(_series("h", 24 * 7 * 6, {1.0: 10.0, 7.0: 5.0}), horizon=24).spec
    assert (spec.season, spec.long_seasons) == (24, [7.0])


def test_the_daily_cycle_is_not_taken_for_a_week():
    # A week of hours holds 7 days' cycles: without taking the day's out first, it looks weekly.
    spec = _prepared(_series("h", 24 * 7 * 6, {1.0: 10.0}), horizon=24).spec
    assert (spec.season, spec.long_seasons) == (24, [])


def test_daily_data_shows_a_year_and_not_without_one():
    yearly = _prepared(_series("D", 3 * 365, {365.25: 8.0}), horizon=30).spec
    assert yearly.long_seasons == [365.25]
    weekly = _prepared(_series("D", 3 * 365, {7.0: 8.0}), horizon=30).spec
    assert (weekly.season, weekly.long_seasons) == (7, [])


def test_a_given_seasonality_looks_for_no_longer_season():
    assert _prepared(_series("D", 3 * 365, {365.25: 8.0}), horizon=30, seasonality=7).spec.long_seasons == []


def test_a_linear_learner_fits_the_year_through_its_fourier_terms():
    """ElasticNet on calendar parts alone cannot draw a yearly sine; with the year's sine and cosine it can."""
    prepared = _prepared(_series("D", 4 * 365, {365.25: 8.0}, seed=1), horizon=30)
    assert prepared.spec.long_seasons == [365.25]
    without = dataclasses.replace(prepared.spec, long_seasons=[])
    scores = {}
    for name, spec in (("with", prepared.spec), ("without", without)):
        data = make_trial_data(prepared.series, spec)
        trial = evaluate_forecast_trial(TrialSpec(0, "job_0", FORECASTING["ElasticNet"], {}), data, METRIC)
        assert trial.status == COMPLETED, trial.error
        scores[name] = trial.score
    assert scores["with"] < 0.7 * scores["without"], scores
