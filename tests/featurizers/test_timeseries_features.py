"""Time-series featurizers: calendar parts, holidays, origin-relative lags and windows, PACF and auto lags."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from featurizers import CalendarFeatures, auto_lag_order, origin_lag_features
from featurizers._timeseries import frequency_family, holiday_flags, lag_feature_names, pacf, seasonal_strength


def test_calendar_parts_follow_the_frequency_and_drop_constants():
    days = pd.date_range("2024-01-01", periods=60, freq="D")
    out = CalendarFeatures(frequency="D").fit(days).transform(days)
    assert {"_automl_year", "_automl_month", "_automl_day", "_automl_wday", "_automl_yday"} <= set(out.columns)
    assert "_automl_hour" not in out.columns  # constant at midnight
    assert out["_automl_wday"].iloc[0] == 0  # 2024-01-01 is a Monday
    months = pd.date_range("2020-01-01", periods=24, freq="MS")
    monthly = CalendarFeatures(frequency="MS").fit(months)
    assert monthly.get_feature_names_out().tolist() == ["_automl_year", "_automl_month", "_automl_quarter"]


def test_holidays_for_daily_data_only():
    days = pd.date_range("2024-12-24", periods=3, freq="D")
    features = CalendarFeatures(frequency="D", country_or_region="US").fit(days).transform(days)
    assert features["_automl_holiday"].tolist() == [0.0, 1.0, 0.0]
    months = pd.date_range("2024-01-01", periods=3, freq="MS")
    assert "_automl_holiday" not in CalendarFeatures("MS", "US").fit(months).transform(months).columns
    with pytest.raises(ValueError, match="holidays"):
        holiday_flags(days, "XX")


def test_origin_lags_and_windows():
    y = np.arange(10.0)
    out = origin_lag_features(y, origin=4, lags=[1, 3, 6], windows=[2])
    assert out[:2].tolist() == [4.0, 2.0] and np.isnan(out[2])
    assert out[3] == 3.5 and out[4] == pytest.approx(0.5)
    assert lag_feature_names([1], [2]) == ["_automl_lag1", "_automl_window2_mean", "_automl_window2_std"]


def test_pacf_of_an_ar1_series_and_the_auto_heuristic():
    rng = np.random.default_rng(0)
    y = np.zeros(2000)
    for t in range(1, 2000):
        y[t] = 0.8 * y[t - 1] + rng.normal()
    values = pacf(y, 5)
    assert values[0] == pytest.approx(0.8, abs=0.05) and np.all(np.abs(values[1:]) < 0.1)
    assert auto_lag_order(y, 14) == (1, 0)
    assert auto_lag_order(rng.normal(size=500), 14) == (0, 0)


def test_seasonal_strength_and_frequency_family():
    t = np.arange(120)
    assert seasonal_strength(np.sin(2 * np.pi * t / 12) + 0.01 * t, 12) > 0.9
    assert seasonal_strength(np.random.default_rng(0).normal(size=120), 12) < 0.2
    assert [frequency_family(f) for f in ("YS", "QS", "MS", "W-SUN", "D", "B", "h", "min")] == [
        "year", "quarter", "month", "week", "day", "day", "hour", "minute"]
