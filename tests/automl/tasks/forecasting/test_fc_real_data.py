"""Setup on the repo's copies of the forecasting datasets, and the engineered-feature forecaster."""
from __future__ import annotations

import numpy as np
import pandas as pd

from automl.algorithms import REGRESSION
from automl.timeseries._regression_forecaster import RegressionForecaster
from automl.settings import ForecastingSettings
from automl.tasks.forecasting import prepare_forecasting
from automl.settings import DataSettings

from .conftest import DATA


def _prepare(frame, target, **settings):
    s = ForecastingSettings(**settings).normalized()
    s.validate()
    return prepare_forecasting(DataSettings(training_data=frame, target_column_name=target), s)


def test_daily_temperatures_missing_leap_days_are_filled():
    frame = pd.read_csv(DATA / "daily_min_temperatures.csv")
    prepared = _prepare(frame, "Temp", time_column_name="Date", forecast_horizon=30, target_lags="auto",
                        target_rolling_window_size="auto")
    assert prepared.spec.frequency == "D" and prepared.spec.season == 1
    assert prepared.spec.lags == [1]  # Azure's PACF rule: only lag 1 clears 1.96 / sqrt(14)
    assert prepared.facts.inserted_rows == 2  # Dec 31 of 1984 and 1988
    assert next(g for g in prepared.guardrails if g.name == "Missing values imputation").status == "Done"
    assert len(prepared.series[0]) == 3652


def test_tourism_panel_with_three_id_columns():
    frame = pd.read_csv(DATA / "tourism_quarterly_sample.csv")
    prepared = _prepare(frame, "Trips", time_column_name="Quarter", forecast_horizon=8,
                        time_series_id_column_names=["Region", "State", "Purpose"])
    assert len(prepared.series) == 12 and prepared.spec.frequency.startswith("QS")
    assert prepared.series[0].label == "Adelaide|South Australia|Business"
    assert prepared.trial.y_true.size == 12 * 8 * prepared.spec.n_cross_validations


def test_detected_ids_on_the_panel():
    frame = pd.read_csv(DATA / "tourism_quarterly_sample.csv")
    prepared = _prepare(frame, "Trips", time_column_name="Quarter", forecast_horizon=4)
    assert set(prepared.spec.id_columns) <= {"Region", "State", "Purpose"} and len(prepared.series) == 12


def test_regression_forecaster_with_every_feature_kind():
    rng = np.random.default_rng(0)
    days = pd.date_range("2023-01-01", periods=240, freq="D")
    promo = (rng.random(240) < 0.2).astype(float)
    frame = pd.DataFrame({"date": days, "promo": promo, "weather": rng.choice(["sun", "rain"], 240),
                          "footfall": rng.normal(100, 5, 240),
                          "sales": 50 + 20 * promo + 5 * (days.day_of_week >= 5) + rng.normal(0, 1, 240)})
    prepared = _prepare(frame, "sales", time_column_name="date", forecast_horizon=7, target_lags=[1, 7],
                        target_rolling_window_size=7, feature_lags="auto", use_stl="season_trend",
                        country_or_region_for_holidays="US", features_unknown_at_forecast_time=["footfall"],
                        seasonality=7)
    spec = prepared.spec
    assert spec.feature_lags and spec.unknown_features == ["footfall"] and spec.categorical_features == ["weather"]
    model = RegressionForecaster(REGRESSION["LightGBM"], {"n_estimators": 50}).fit(prepared.series, spec)
    names = set(model.feature_names_)
    assert {"_automl_lag1", "_automl_lag7", "_automl_window7_mean", "_automl_step", "_automl_holiday",
            "_automl_stl_season", "_automl_stl_trend", "promo", "promo_lag1", "weather", "footfall"} <= names
    history = prepared.series[0].head(200)
    future = prepared.series[0].X.iloc[200:207].reset_index(drop=True)
    forecast = model.predict_series(history, prepared.series[0].times[200:207], future)
    actual = prepared.series[0].y[200:207]
    assert np.mean(np.abs(forecast - actual)) < 5  # promotions move sales by 20: the model uses them
