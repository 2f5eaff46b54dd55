"""The fitted ForecastingModel: forecast, quantiles, rolling forecasts, predict, pickling, bad future frames."""
from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

from automl.timeseries import FORECASTING
from automl.errors import DataError
from automl.tasks.forecasting import refit_forecaster
from automl.settings import ForecastingSettings
from automl.tasks.forecasting import prepare_forecasting
from automl.tasks.forecasting import evaluate_forecast_trial
from automl.settings import DataSettings
from automl.core import TrialSpec

from .conftest import monthly_panel

HORIZON = 6


@pytest.fixture(scope="module")
def split():
    frame = monthly_panel(n_series=2, length=60)
    last = frame.groupby("store").cumcount(ascending=False) < HORIZON
    return frame[~last].reset_index(drop=True), frame[last].reset_index(drop=True)


@pytest.fixture(scope="module", params=["SeasonalNaive", "ElasticNet", "Arimax", "Prophet"])
def fitted(request, split):
    train, _ = split
    settings = ForecastingSettings(time_column_name="date", forecast_horizon=HORIZON,
                                   time_series_id_column_names=["store"],
                                   target_lags=[1, 2] if request.param == "ElasticNet" else None).normalized()
    settings.validate()
    prepared = prepare_forecasting(DataSettings(training_data=train, target_column_name="sales"), settings)
    trial = evaluate_forecast_trial(TrialSpec(0, "t_0", FORECASTING[request.param], {}), prepared.trial,
                                    "normalized_root_mean_squared_error")
    assert trial.status == "Completed", trial.error
    return refit_forecaster(trial, prepared), trial


def test_forecast_frame_follows_the_future_rows(fitted, split):
    model, _ = fitted
    _, test = split
    future = test[["date", "store", "price"]].sample(frac=1.0, random_state=0)
    out = model.forecast(future)
    assert list(out.columns) == ["date", "store", "forecast"]
    assert out["date"].tolist() == future["date"].tolist() and np.isfinite(out["forecast"]).all()
    error = np.abs(out["forecast"].to_numpy() - test.set_index(["store", "date"]).loc[
        list(zip(future["store"], future["date"])), "sales"].to_numpy())
    assert error.mean() < 30  # a year of trend is 24; misaligned series or steps are off by 100s


def test_predict_is_the_forecast_and_backtests_history(fitted, split):
    model, _ = fitted
    _, test = split
    future = test[["date", "store", "price"]]
    assert np.allclose(model.predict(future), model.forecast(future)["forecast"])
    inside = model.predict(model.history_[("s0",)].X.assign(
        date=model.history_[("s0",)].times, store="s0").tail(HORIZON))
    assert np.isfinite(inside).all()


def test_quantiles_are_ordered_and_widen_with_the_step(fitted, split):
    model, _ = fitted
    _, test = split
    q = model.forecast_quantiles(test[["date", "store", "price"]], quantiles=[0.1, 0.5, 0.9])
    assert (q[0.1] < q[0.5]).all() and (q[0.5] < q[0.9]).all()
    assert np.allclose(q[0.5], model.forecast(test[["date", "store", "price"]])["forecast"])
    s0 = q[q["store"] == "s0"]
    width = (s0[0.9] - s0[0.1]).to_numpy()
    assert width[-1] >= width[0]
    with pytest.raises(DataError, match="quantiles"):
        model.forecast_quantiles(test, quantiles=[0.0, 1.5])


def test_rolling_forecast_walks_the_origin(fitted, split):
    model, _ = fitted
    _, test = split
    out = model.rolling_forecast(test[["date", "store", "price"]], test["sales"], step=2)
    assert set(out.columns) == {"store", "origin", "date", "horizon", "actual", "forecast"}
    per_series = out[out["store"] == "s0"]
    assert per_series["origin"].nunique() == HORIZON // 2
    first = per_series[per_series["origin"] == per_series["origin"].min()]
    assert first["horizon"].tolist() == list(range(1, HORIZON + 1))
    assert np.isfinite(out["forecast"]).all()


def test_no_rows_give_empty_forecasts_with_their_columns(fitted, split):
    model, _ = fitted
    _, test = split
    none = test[["date", "store", "price"]].iloc[:0]
    assert list(model.forecast(none).columns) == ["date", "store", "forecast"] and model.forecast(none).empty
    quantiles = model.forecast_quantiles(none, [0.1, 0.9])
    assert list(quantiles.columns) == ["date", "store", 0.1, 0.9] and quantiles.empty
    assert model.predict(none).shape == (0,)
    rolled = model.rolling_forecast(none, [], step=2)
    assert list(rolled.columns) == ["store", "origin", "date", "horizon", "actual", "forecast"] and rolled.empty


def test_model_pickles(fitted, split):
    model, _ = fitted
    _, test = split
    again = pickle.loads(pickle.dumps(model))
    assert np.allclose(again.predict(test[["date", "store", "price"]]), model.predict(test[["date", "store", "price"]]))


def test_future_frame_missing_ids(fitted, split):
    model, _ = fitted
    with pytest.raises(DataError, match=r"lacks the column\(s\) 'store'"):
        model.forecast(split[1][["date", "price"]])


def test_future_frame_missing_periods(fitted, split):
    model, _ = fitted
    future = split[1][["date", "store", "price"]]
    gappy = future.drop(index=future.index[(future["store"] == "s1")][1])
    with pytest.raises(DataError, match=r"series 's1'.*every period after the end.*missing or misaligned"):
        model.forecast(gappy)


def test_future_frame_beyond_the_horizon(fitted, split):
    model, _ = fitted
    start = model.history_[("s0",)].times[-1] + pd.offsets.MonthBegin(1)
    more = pd.DataFrame({"date": pd.date_range(start, periods=HORIZON + 1, freq="MS"),
                         "store": "s0", "price": 10.0})
    with pytest.raises(DataError, match=rf"more than forecast_horizon={HORIZON}"):
        model.forecast(more)


def test_future_frame_with_an_unseen_series(fitted, split):
    model, _ = fitted
    future = split[1][["date", "store", "price"]].assign(store="new_store")
    with pytest.raises(DataError, match=r"series unseen in training: 'new_store'"):
        model.forecast(future)


def test_future_frame_with_bad_times(fitted, split):
    model, _ = fitted
    future = split[1][["date", "store", "price"]].astype({"date": str})
    future.iloc[0, 0] = "someday"
    with pytest.raises(DataError, match="someday"):
        model.forecast(future)


def test_future_frame_with_repeated_periods(fitted, split):
    model, _ = fitted
    future = split[1][["date", "store", "price"]]
    with pytest.raises(DataError, match=r"repeats the timestamp.*series 's0'"):
        model.forecast(pd.concat([future, future.iloc[[0]]]))


def test_heavy_tailed_backtest_errors_widen_the_quantiles(split):
    from automl.timeseries import ForecastingModel
    from automl.timeseries._classical import BaselineForecaster

    train, test = split
    settings = ForecastingSettings(time_column_name="date", forecast_horizon=HORIZON,
                                   time_series_id_column_names=["store"]).normalized()
    settings.validate()
    prepared = prepare_forecasting(DataSettings(training_data=train, target_column_name="sales"), settings)
    heavy = np.random.default_rng(0).standard_t(2, size=2000)
    models = [ForecastingModel([("naive", BaselineForecaster("Naive"))], standard_errors=errors)
              .fit(prepared.series, prepared.spec) for errors in (None, heavy)]
    assert models[0].z_score(0.975) == pytest.approx(1.959964)
    assert models[1].z_score(0.975) > 3.0 and models[1].z_score(0.025) == pytest.approx(-models[1].z_score(0.975))
    future = test[["date", "store", "price"]]
    widths = [m.forecast_quantiles(future, [0.025, 0.975]) for m in models]
    assert ((widths[1][0.975] - widths[1][0.025]) > (widths[0][0.975] - widths[0][0.025])).all()
