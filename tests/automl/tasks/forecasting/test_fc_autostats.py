"""The statsmodels backend of ExponentialSmoothing, AutoArima and Arimax: searches, moved-on forecasts, fallbacks."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from automl.timeseries._autostats import (
    MAX_ARIMA_FITS,
    _difference,
    _difference_polynomial,
    _ets_options,
    _integrate,
    auto_arima,
    auto_ets,
)
from automl.timeseries._classical import StatsForecaster
from automl.settings import ForecastingSettings
from automl.tasks.forecasting import prepare_forecasting
from automl.settings import DataSettings

from .conftest import monthly_panel


@pytest.fixture(scope="module")
def passengers(airline):
    y = airline["Passengers"].to_numpy(dtype=float)
    return y[:-12], y[-12:]


def _rmse(forecast, actual):
    return float(np.sqrt(np.mean((forecast - actual) ** 2)))


@pytest.mark.parametrize("search", [auto_ets, auto_arima])
def test_searches_beat_seasonal_naive_on_the_held_out_year(search, passengers):
    train, test = passengers
    model = search(train, 12)
    assert _rmse(model.forecast(12), test) < 0.9 * _rmse(train[-12:], test)


def test_ets_chooses_a_seasonal_model_and_never_multiplicative_for_non_positive_series(passengers):
    assert auto_ets(passengers[0], 12).options["seasonal"] in ("add", "mul")
    options = _ets_options(np.r_[0.0, np.ones(40)], 12)
    assert {o["seasonal"] for o in options} == {None, "add"} and {o["error"] for o in options} == {"add"}
    assert {o["seasonal"] for o in _ets_options(np.ones(40), 1)} == {None}


def test_ets_tries_multiplicative_errors_but_no_multiplicative_season_with_additive_errors():
    kinds = {(o["error"], o["seasonal"]) for o in _ets_options(np.ones(40), 12)}
    assert kinds == {("add", None), ("add", "add"), ("mul", None), ("mul", "add"), ("mul", "mul")}


def test_ets_fits_the_airline_series_with_multiplicative_errors_and_season(passengers):
    """The airline series grows with its level, errors and season alike: Hyndman's ETS(M,A,M) wins on
    AICc. An additive-error search picks ETS(A,A,M), the unstable pair the set now leaves out, and
    forecasts the held-out year far worse (RMSE 29.8 against 18.6)."""
    train, test = passengers
    model = auto_ets(train, 12)
    assert (model.options["error"], model.options["trend"], model.options["seasonal"]) == ("mul", "add", "mul")
    additive_errors = [{**o, "error": "add"} for o in _ets_options(train, 12) if o["error"] == "mul"]
    additive_pick = min((_ets_fit(train, o) for o in additive_errors), key=lambda r: r.aicc)
    assert additive_pick.model.seasonal == "mul"
    assert _rmse(model.forecast(12), test) < 0.8 * _rmse(np.asarray(additive_pick.forecast(12)), test)


def test_ets_tries_multiplicative_errors_only_with_the_trend_the_additive_ones_chose(passengers, monkeypatch):
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    fitted = []
    original = ETSModel.fit
    monkeypatch.setattr(ETSModel, "fit", lambda self, *a, **k: fitted.append(self) or original(self, *a, **k))
    auto_ets(passengers[0], 12)
    assert len(fitted) == 6 + 3
    multiplicative = [m for m in fitted if m.error == "mul"]
    assert len({(m.trend, m.damped_trend) for m in multiplicative}) == 1
    assert {m.seasonal for m in multiplicative} == {None, "add", "mul"}


def _ets_fit(y, options):
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    return ETSModel(y, **options).fit(disp=False, maxiter=200)


def test_a_multiplicative_ets_moved_on_to_a_non_positive_history_refits_an_additive_one(passengers):
    train, _ = passengers
    model = auto_ets(train, 12)
    assert model.options["error"] == "mul"
    history = train - train.min()  # one zero: no multiplicative model can filter it
    moved = model.forecast_from(history, 12)
    assert np.allclose(moved, auto_ets(history, 12).forecast(12))
    assert np.isfinite(moved).all()


def test_arima_differences_the_airline_series_and_caps_its_fits(passengers, monkeypatch):
    fits = []
    from statsmodels.tsa.statespace import sarimax

    original = sarimax.SARIMAX.fit
    monkeypatch.setattr(sarimax.SARIMAX, "fit", lambda self, *a, **k: fits.append(1) or original(self, *a, **k))
    model = auto_arima(passengers[0], 12)
    assert len(model.poly) > 1 and 0 < len(fits) <= MAX_ARIMA_FITS


def test_differencing_round_trips():
    rng = np.random.default_rng(0)
    y = np.cumsum(rng.normal(size=50)) + np.tile(np.arange(4.0), 13)[:50]
    poly = _difference_polynomial(1, 1, 4)
    w = _difference(y, poly)
    assert len(w) == 50 - 5
    assert np.allclose(_integrate(y[:30], w[30 - 5:], poly), y[30:])


@pytest.mark.parametrize("search", [auto_ets, auto_arima])
def test_moved_on_forecast_uses_the_new_history(search, passengers):
    train, test = passengers
    model = search(train[:-12], 12)
    same = model.forecast_from(train[:-12], 12)
    assert np.allclose(same, model.forecast(12), rtol=1e-6, atol=1e-6)
    moved = model.forecast_from(train, 12)
    assert np.isfinite(moved).all() and not np.allclose(moved, same)
    assert _rmse(moved, test) < _rmse(same, test)  # a year more of trend: the moved-on forecast is closer


def test_arima_with_regressors_follows_the_future_regressor():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(130, 1))
    noise = np.zeros(130)
    for t in range(1, 130):
        noise[t] = 0.5 * noise[t - 1] + rng.normal(0, 0.3)
    y = 20 + 5 * x[:, 0] + noise
    model = auto_arima(y[:120], 1, x[:120])
    forecast = model.forecast(10, x[120:])
    assert np.corrcoef(forecast, x[120:, 0])[0, 1] > 0.95
    assert np.mean(np.abs(forecast - y[120:])) < 1.0


def test_stats_forecaster_falls_back_to_seasonal_naive_on_a_too_short_series():
    settings = ForecastingSettings(time_column_name="date", forecast_horizon=3, time_series_id_column_names=["store"]).normalized()
    settings.validate()
    prepared = prepare_forecasting(DataSettings(training_data=monthly_panel(n_series=2, length=36),
                                                target_column_name="sales"), settings)
    long, short = prepared.series[0], prepared.series[1].head(3)
    forecaster = StatsForecaster("arima").fit([long, short], prepared.spec)
    assert forecaster.fallbacks_ == [short.label] and long.key in forecaster.models_
    times = long.times[3:6]
    forecast = forecaster.predict_series(short, times, long.X.iloc[3:6].reset_index(drop=True))
    assert np.allclose(forecast, short.y[-1])  # seasonal naive of a history shorter than the season: naive
    after = forecaster.predict_series(long, long.times[-3:] + pd.DateOffset(months=3),
                                      long.X.tail(3).reset_index(drop=True))
    assert np.isfinite(after).all() and not np.allclose(after, long.y[-12:-9])


def test_seasonal_differencing_leaves_out_the_fourier_terms_it_cancels(passengers):
    from automl.timeseries._classical import _fourier

    train, test = passengers
    index = np.arange(len(train) + 12, dtype=float)
    noise = np.random.default_rng(0).normal(size=(len(index), 1))  # differencing never cancels it
    X = np.column_stack([_fourier(index, 12), noise])
    model = auto_arima(train, 12, X[:len(train)])
    assert len(model.poly) >= 13  # the airline series is seasonally differenced
    assert model.columns.tolist() == [False, False, False, False, True]
    forecast = model.forecast(12, X[len(train):])
    assert np.isfinite(forecast).all() and _rmse(forecast, test) < 0.9 * _rmse(train[-12:], test)
    assert np.allclose(model.forecast_from(train, 12, X[:len(train)], X[len(train):]), forecast, atol=1e-6)


def test_series_fitted_in_parallel_give_the_sequential_models_and_leave_no_process():
    import threading
    import time

    import psutil

    from automl.timeseries._classical import PARALLEL_SERIES

    settings = ForecastingSettings(time_column_name="date", forecast_horizon=3, time_series_id_column_names=["store"]).normalized()
    settings.validate()
    prepared = prepare_forecasting(DataSettings(training_data=monthly_panel(n_series=PARALLEL_SERIES, length=36),
                                                target_column_name="sales"), settings)
    series = prepared.series[:-1] + [prepared.series[-1].head(3)]  # the last one too short: a fallback
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    one = StatsForecaster("ets", 1).fit(series, prepared.spec)
    seen, fitting = set(), threading.Event()

    def watch():
        while not fitting.is_set():
            seen.update(p.pid for p in psutil.Process().children(recursive=True))
            time.sleep(0.05)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        two = StatsForecaster("ets", 2).fit(series, prepared.spec)
    finally:
        fitting.set()
        watcher.join()
    assert seen - before  # the series were fitted in other processes
    assert two.fallbacks_ == one.fallbacks_ == [series[-1].label]
    assert sorted(two.models_) == sorted(one.models_)
    for s in series[:-1]:
        assert two.models_[s.key].options == one.models_[s.key].options
        assert np.allclose(two.models_[s.key].forecast(3), one.models_[s.key].forecast(3))
    # No worker left; the resource trackers that multiprocessing and loky start once per process may stay.
    left = [" ".join(p.cmdline()) for p in psutil.Process().children(recursive=True) if p.pid not in before]
    assert not [c for c in left if "resource_tracker" not in c], left


def test_a_seasonal_arima_of_a_long_series_keeps_no_state_per_time_step():
    """A 24-hour season puts tens of states in the ARIMA; its covariances kept for every hour would take
    k^2 x 8 bytes per hour (785 MB on a year of hourly temperatures). The model keeps only what
    forecasting needs, and forecasts what the fully kept filter forecasts with the same parameters."""
    import pickle

    rng = np.random.default_rng(0)
    t = np.arange(1500)
    y = 15 + 5 * np.sin(2 * np.pi * t / 24) + np.cumsum(rng.normal(0, 0.2, len(t))) * 0.2 + rng.normal(0, 0.5, len(t))
    from automl.timeseries._autostats import _Search

    search = _Search(y, None, 24, 1, 0)
    for orders in ((1, 0, 1, 0), (0, 1, 0, 1), (1, 1, 1, 1)):  # one seasonal order, as the search keeps its best
        search.fit(orders)
        if search.best is not None:
            break
    model = search.best
    k, n = model.results.model.k_states, model.results.model.nobs
    assert k >= 24, model.options  # a seasonal ARMA: the case where per-step states are large
    assert len(pickle.dumps(model)) < k * k * n * 8  # a full fit keeps about twenty such arrays
    kept = model.results.model.smooth(model.results.params)  # every state and covariance kept
    np.testing.assert_allclose(model.results.forecast(48), kept.forecast(48), rtol=1e-9)
    moved = model.forecast_from(y[:-100], 48)
    full = model.results.model.clone(_difference(y[:-100], model.poly)).smooth(model.results.params)
    np.testing.assert_allclose(moved, _integrate(y[:-100], full.forecast(48), model.poly), rtol=1e-9)


def test_the_search_compares_orders_by_the_aicc_of_a_full_fit(passengers):
    """The low-memory fits' own ``llf`` counts the diffuse burn-in periods (15 of them for a seasonal order
    of the airline series, 3 for a plain one): the search's AICc must be that of a fit that keeps
    everything, or orders are compared unfairly."""
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    from automl.timeseries._autostats import _Search

    search = _Search(passengers[0], None, 12, 1, 1)
    compared = 0
    for orders in ((2, 2, 1, 1), (0, 1, 0, 1), (1, 0, 1, 0), (0, 1, 0, 0)):
        search.fit(orders)
        if np.isfinite(search.tried[orders]):  # not rejected for its roots
            full = SARIMAX(search.w, **search.options(*orders)).fit(disp=False, method="lbfgs", maxiter=50)
            assert search.tried[orders] == pytest.approx(full.aicc, rel=1e-9), orders
            compared += 1
    assert compared >= 2
