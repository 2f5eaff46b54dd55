"""The classical forecasters: one model per series, fitted on its history alone.

``Naive``, ``SeasonalNaive``, ``Average`` and ``SeasonalAverage`` are a few lines of
numpy; ``ExponentialSmoothing`` (AutoETS), ``AutoArima`` and ``Arimax`` (AutoARIMA with
regressors) are small AICc searches over statsmodels models (:mod:`._autostats`),
``Prophet`` comes from prophet. A model that cannot be
fitted on a (too short) history falls back to the seasonal naive forecast, and says so
in ``fallbacks_``.
"""
from __future__ import annotations

import multiprocessing
import warnings
from abc import ABC, abstractmethod
from typing import Any

import joblib
import numpy as np
import pandas as pd
from joblib.externals.loky import get_reusable_executor
from sklearn.base import BaseEstimator

from automl.errors import ConfigError
from automl.timeseries._autostats import FittedModel, auto_arima, auto_ets
from automl.timeseries._decompose import deseasonalise, long_periods, seasonal_future
from automl.timeseries._panel import ForecastSpec, SeriesData

__all__ = ["BaseForecaster", "BaselineForecaster", "StatsForecaster", "ProphetForecaster", "BASELINES",
           "PARALLEL_SERIES", "fits_side_by_side", "require_module"]


def require_module(name: str, extra: str, model: str) -> Any:
    """Import ``name`` or raise a :class:`ConfigError` naming the extra to install."""
    import importlib

    try:
        return importlib.import_module(name)
    except ImportError:
        raise ConfigError(f"{model} needs the '{name}' package: pip install 'automl-studio[{extra}]', "
                          f"or block {model} with blocked_training_algorithms.") from None


class BaseForecaster(BaseEstimator, ABC):
    """What every forecaster does: ``fit`` on series, ``predict_series`` from any history."""

    @abstractmethod
    def fit(self, series: list[SeriesData], spec: ForecastSpec) -> "BaseForecaster":
        """Fit on the series (each one's full history)."""

    @abstractmethod
    def predict_series(self, history: SeriesData, times: pd.DatetimeIndex, X_future: pd.DataFrame) -> np.ndarray:
        """Forecast ``len(times)`` periods after the end of ``history``."""


def _naive(y: np.ndarray, h: int, season: int) -> np.ndarray:
    return np.full(h, y[-1], dtype=float)


def _seasonal_naive(y: np.ndarray, h: int, season: int) -> np.ndarray:
    if season < 2 or len(y) < season:
        return _naive(y, h, season)
    last = y[-season:]
    return np.asarray([last[i % season] for i in range(h)], dtype=float)


def _average(y: np.ndarray, h: int, season: int) -> np.ndarray:
    return np.full(h, float(np.mean(y)))


def _seasonal_average(y: np.ndarray, h: int, season: int) -> np.ndarray:
    if season < 2 or len(y) < season:
        return _average(y, h, season)
    position = (np.arange(len(y)) - len(y)) % season          # the next point has position 0
    means = np.array([y[position == p].mean() for p in range(season)])
    return np.asarray([means[i % season] for i in range(h)], dtype=float)


#: The parameter-free baselines by Azure name.
BASELINES = {"Naive": _naive, "SeasonalNaive": _seasonal_naive, "Average": _average,
             "SeasonalAverage": _seasonal_average}


class BaselineForecaster(BaseForecaster):
    """``Naive``, ``SeasonalNaive``, ``Average`` or ``SeasonalAverage`` (no parameters to fit).

    Parameters
    ----------
    method : str
        A key of :data:`BASELINES`.
    """

    def __init__(self, method: str = "Naive"):
        self.method = method

    def fit(self, series: list[SeriesData], spec: ForecastSpec) -> "BaselineForecaster":
        """Remember the season length."""
        self.season_ = spec.season
        return self

    def predict_series(self, history: SeriesData, times: pd.DatetimeIndex, X_future: pd.DataFrame) -> np.ndarray:
        """The baseline forecast from ``history``."""
        y = history.y[history.n_padded:] if len(history) > history.n_padded else history.y
        return BASELINES[self.method](y, len(times), self.season_)


#: Series below which fitting them in parallel costs more than it saves (starting the processes).
PARALLEL_SERIES = 16


def fits_side_by_side(n_jobs: int, n_series: int) -> bool:
    """Whether :class:`StatsForecaster` fits ``n_series`` series' models in ``n_jobs`` processes side by
    side: from :data:`PARALLEL_SERIES` series on, and not inside a trial's (daemonic) process, which
    cannot start any."""
    return n_jobs > 1 and n_series >= PARALLEL_SERIES and not multiprocessing.current_process().daemon


def _fourier(index: np.ndarray, season: int, harmonics: int = 2) -> np.ndarray:
    columns = []
    for k in range(1, harmonics + 1):
        if 2 * k > season:
            break
        columns += [np.sin(2 * np.pi * k * index / season), np.cos(2 * np.pi * k * index / season)]
    return np.column_stack(columns) if columns else np.zeros((len(index), 0))


class StatsForecaster(BaseForecaster):
    """Automatic ETS (``kind="ets"``) or ARIMA (``"arima"``, ``"arimax"``) on statsmodels.

    ``arimax`` adds the known numeric features and Fourier terms of the season as regressors.
    ETS seasons are limited to 24 periods and ARIMA's to 52; longer seasons (the series' own, and
    the long seasons ``seasonality="auto"`` found: a year of days, a week of hours) are taken out
    by MSTL first and added back to the forecast (:mod:`._decompose`).

    Parameters
    ----------
    kind : {"ets", "arima", "arimax"}
    n_jobs : int, default=1
        Processes fitting the series' models side by side (joblib), when there are at least
        :data:`PARALLEL_SERIES` series; one inside a trial's (daemonic) process, which cannot start any.

    Attributes
    ----------
    models_ : dict
        Fitted :class:`~automl.timeseries._autostats.FittedModel` per series key.
    fallbacks_ : list of str
        Series whose model could not be fitted (seasonal naive is used for them).
    profiles_ : dict
        Per series key, the last cycle of each season taken out before the fit (empty: none).
    """

    def __init__(self, kind: str = "ets", n_jobs: int = 1):
        self.kind = kind
        self.n_jobs = n_jobs

    def _season_for(self, n: int) -> int:
        limit = 24 if self.kind == "ets" else 52
        season = self.spec_.season
        return season if 1 < season <= limit and n >= 2 * season + 2 else 1

    def _regressors(self, s: SeriesData, start: int, n: int) -> np.ndarray | None:
        if self.kind != "arimax":
            return None
        index = np.arange(start, start + n, dtype=float)
        columns = [_fourier(index, self.spec_.season)] if self.spec_.season > 1 else []
        numeric = [c for c in self.spec_.numeric_features if c in self.spec_.known_features]
        if numeric:
            columns.append(s.X[numeric].to_numpy(dtype=float))
        return np.column_stack(columns) if columns else None

    def _history(self, s: SeriesData, keep: np.ndarray | None = None
                 ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
        """The unpadded target, its regressors (Arimax; constant ones left out) and which were kept."""
        skip = s.n_padded if len(s) - s.n_padded >= 4 else 0
        X = self._regressors(s, 0, len(s))
        if X is None:
            return s.y[skip:], None, None
        X = X[skip:]
        keep = X.std(axis=0) > 1e-12 if keep is None else keep
        return s.y[skip:], (X[:, keep] if keep.any() else None), keep

    def _adjusted(self, y: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
        """``y`` without the seasons the model cannot fit (:mod:`._decompose`), and their last cycles.
        Arimax has none taken out: its Fourier regressors carry the season."""
        periods = [] if self.kind == "arimax" else long_periods(self.spec_, len(y), 24 if self.kind == "ets" else 52)
        if not periods:
            return y, []
        try:
            return deseasonalise(y, periods)
        except (ValueError, np.linalg.LinAlgError):  # a degenerate history: the model alone
            return y, []

    def _fit_one(self, s: SeriesData) -> tuple[FittedModel, list[np.ndarray], np.ndarray | None]:
        """The model of one series, the last cycles of the seasons taken out first and the regressors kept."""
        y, X, keep = self._history(s)
        y, profiles = self._adjusted(y)
        season = self._season_for(len(y))
        return (auto_ets(y, season) if self.kind == "ets" else auto_arima(y, season, X)), profiles, keep

    def _fit_or_none(self, s: SeriesData) -> tuple[FittedModel, list[np.ndarray], np.ndarray | None] | None:
        try:
            with warnings.catch_warnings():  # convergence warnings and the like: the search copes
                warnings.simplefilter("ignore")
                return self._fit_one(s)
        except Exception:  # too short or degenerate for the model: seasonal naive instead
            return None

    def _fit_all(self, series: list[SeriesData]) -> list:
        if not fits_side_by_side(self.n_jobs, len(series)):
            return [self._fit_or_none(s) for s in series]
        try:
            return joblib.Parallel(n_jobs=self.n_jobs, batch_size=8)(joblib.delayed(self._fit_or_none)(s)
                                                                     for s in series)
        finally:  # no idle worker processes left behind the job
            get_reusable_executor().shutdown(wait=True)

    def fit(self, series: list[SeriesData], spec: ForecastSpec) -> "StatsForecaster":
        """Fit one model per series."""
        self.spec_ = spec
        if self.kind == "arimax" and spec.season < 2 and not any(c in spec.known_features
                                                                 for c in spec.numeric_features):
            raise ValueError("Arimax needs regressors: there is no seasonality for Fourier terms and no numeric "
                             "feature known at forecast time, so it would only repeat AutoArima.")
        self.models_, self.lengths_, self.keep_, self.fallbacks_, self.profiles_ = {}, {}, {}, [], {}
        for s, fitted in zip(series, self._fit_all(series)):
            if fitted is None:
                self.fallbacks_.append(s.label)
                continue
            self.models_[s.key], self.profiles_[s.key], self.keep_[s.key] = fitted
            self.lengths_[s.key] = len(s)
        return self

    def _future(self, history: SeriesData, times: pd.DatetimeIndex, X_future: pd.DataFrame) -> np.ndarray | None:
        keep = self.keep_.get(history.key)
        if self.kind != "arimax" or keep is None or not keep.any():
            return None
        future = SeriesData(history.key, times, np.zeros(len(times)), X_future.reset_index(drop=True))
        return self._regressors(future, len(history), len(times))[:, keep]

    def _predict(self, history: SeriesData, times: pd.DatetimeIndex, X_future: pd.DataFrame) -> np.ndarray:
        h = len(times)
        model = self.models_.get(history.key)
        X_next = self._future(history, times, X_future)
        if model is None:
            model, profiles, self.keep_[history.key] = self._fit_one(history)
            return model.forecast(h, self._future(history, times, X_future)) + seasonal_future(profiles, h)
        if self.lengths_.get(history.key) != len(history):  # another history: the fitted model, moved on
            y, X, _ = self._history(history, self.keep_.get(history.key))
            y, profiles = self._adjusted(y)
            return model.forecast_from(y, h, X, X_next) + seasonal_future(profiles, h)
        return model.forecast(h, X_next) + seasonal_future(self.profiles_.get(history.key, []), h)

    def predict_series(self, history: SeriesData, times: pd.DatetimeIndex, X_future: pd.DataFrame) -> np.ndarray:
        """The model's forecast from ``history`` (seasonal naive when the model fails)."""
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                values = self._predict(history, times, X_future)
            if len(values) == len(times) and np.isfinite(values).all():
                return values
        except Exception:  # fall through to the seasonal naive forecast
            pass
        return _seasonal_naive(history.y, len(times), self.spec_.season)


class ProphetForecaster(BaseForecaster):
    """Prophet, one model per series, with the known numeric features as extra regressors.

    Needs the optional extra ``prophet`` (``pip install 'automl-studio[prophet]'``).
    """

    def _fit_one(self, s: SeriesData) -> Any:
        prophet = require_module("prophet", "prophet", "Prophet")
        frame = pd.DataFrame({"ds": s.times, "y": s.y})
        model = prophet.Prophet()
        for column in self.regressors_:
            frame[column] = s.X[column].to_numpy(dtype=float)
            model.add_regressor(column)
        return model.fit(frame)

    def fit(self, series: list[SeriesData], spec: ForecastSpec) -> "ProphetForecaster":
        """Fit one Prophet model per series."""
        require_module("prophet", "prophet", "Prophet")
        self.spec_ = spec
        self.regressors_ = [c for c in spec.numeric_features if c in spec.known_features]
        self.models_ = {s.key: self._fit_one(s) for s in series}
        self.lengths_ = {s.key: len(s) for s in series}
        return self

    def predict_series(self, history: SeriesData, times: pd.DatetimeIndex, X_future: pd.DataFrame) -> np.ndarray:
        """Prophet's ``yhat`` for ``times``; refit when ``history`` is another history."""
        model = self.models_.get(history.key)
        if model is None or self.lengths_.get(history.key) != len(history):
            model = self._fit_one(history)
        future = pd.DataFrame({"ds": times})
        for column in self.regressors_:
            future[column] = X_future[column].to_numpy(dtype=float)
        return model.predict(future)["yhat"].to_numpy(dtype=float)
