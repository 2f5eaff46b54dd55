"""Regression learners as forecasters: one global model over every series, on engineered features.

Each series is standardised by its own history, so one model serves series of any
level. Features: calendar parts and holidays of the target time, sine and cosine terms of the
long seasons the data shows (a week of hourly data, a year of daily data), the series ids (as
category codes), the known features at the target time, the unknown ones at the origin,
and, when lags or rolling windows are on, the target lags and windows seen from the
forecast origin with the horizon step (Azure's horizon-dependent lags: each training
point is replicated once per horizon step).
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from automl.errors import DataError
from automl.timeseries._classical import BaseForecaster
from automl.timeseries._panel import ForecastSpec, SeriesData, fourier_terms
from featurizers._timeseries import CalendarFeatures, lag_feature_names, seasonal_profile

__all__ = ["RegressionForecaster"]

#: Training rows above this are thinned by using every k-th forecast origin.
MAX_TRAINING_ROWS = 50_000
_MIN_SCALE = 1e-6


def _origin_features(z: np.ndarray, origins: np.ndarray, spec: ForecastSpec) -> np.ndarray:
    """Lags and rolling windows of ``z`` at each origin (vectorised ``origin_lag_features``)."""
    columns = []
    for lag in spec.lags:
        position = origins - lag + 1
        columns.append(np.where(position >= 0, z[np.clip(position, 0, None)], np.nan))
    series = pd.Series(z)
    for w in spec.windows:
        rolling = series.rolling(w, min_periods=1)
        columns += [rolling.mean().to_numpy()[origins], rolling.std().to_numpy()[origins]]
    if spec.use_stl == "season_trend":
        trend = series.rolling(max(spec.season, 2), min_periods=1).mean().to_numpy()
        columns.append(trend[origins])
    return np.column_stack(columns) if columns else np.zeros((len(origins), 0))


class RegressionForecaster(BaseForecaster):
    """A regression learner of the regression registry, forecasting every series at once.

    Parameters
    ----------
    algorithm : automl.algorithms.Algorithm
        The regression learner (its scaler and estimator).
    params : dict, optional
        Hyper-parameters over the algorithm's defaults.
    n_jobs : int, default=1
        Threads of the estimator.

    Attributes
    ----------
    model_ : sklearn.pipeline.Pipeline
        Scaler and estimator fitted on the engineered features.
    feature_names_ : list of str
        The engineered features, in column order.
    """

    def __init__(self, algorithm: Any = None, params: dict | None = None, n_jobs: int = 1):
        self.algorithm = algorithm
        self.params = params
        self.n_jobs = n_jobs

    # -- features ---------------------------------------------------------------------------
    def _origin_based(self) -> bool:
        spec = self.spec_
        return spec.uses_lags or spec.feature_lags or spec.use_stl == "season_trend"

    def _scale(self, history: SeriesData) -> tuple[float, float]:
        y = history.y[history.n_padded:] if len(history) - history.n_padded >= 2 else history.y
        return float(np.mean(y)), max(float(np.std(y)), _MIN_SCALE * max(1.0, abs(float(np.mean(y)))))

    def _codes(self, values: pd.Series, column: str) -> np.ndarray:
        categories = self.categories_[column]
        return pd.Categorical(values.astype(str), categories=categories).codes.astype(float)

    def _season_profile(self, z: np.ndarray) -> np.ndarray:
        m = self.spec_.season
        if m < 2 or len(z) < 2 * m:
            return np.zeros(max(m, 1))
        return seasonal_profile(z, m)

    def _design(self, history: SeriesData, z: np.ndarray, origins: np.ndarray, steps: np.ndarray,
                times: pd.DatetimeIndex, X_target: pd.DataFrame) -> pd.DataFrame:
        """Feature rows for targets ``origins + steps`` (``times``, with features ``X_target``)."""
        spec = self.spec_
        parts = [self.calendar_.transform(times)]
        columns: dict[str, np.ndarray] = {}
        if self._origin_based():
            columns["_automl_step"] = steps.astype(float)
        index = origins + steps
        columns["_automl_index"] = (index - len(history)).astype(float)
        columns.update(fourier_terms(times, getattr(spec, "long_seasons", [])))
        for column, value in zip(spec.id_columns, history.key):
            columns[f"_automl_id_{column}"] = np.full(len(index), self._codes(pd.Series([value]), column)[0])
        for column in spec.known_features:
            values = X_target[column]
            columns[column] = (values.to_numpy(dtype=float) if column in spec.numeric_features
                               else self._codes(values, column))
        for column in spec.unknown_features:
            at_origin = history.X[column].iloc[np.clip(origins, 0, len(history) - 1)]
            columns[column] = (at_origin.to_numpy(dtype=float) if column in spec.numeric_features
                               else self._codes(at_origin, column))
        if spec.use_stl:
            profile = self._season_profile(z)
            columns["_automl_stl_season"] = profile[index % len(profile)]
        parts.append(pd.DataFrame(columns))
        if self._origin_based():
            names = lag_feature_names(spec.lags, spec.windows) + (
                ["_automl_stl_trend"] if spec.use_stl == "season_trend" else [])
            parts.append(pd.DataFrame(_origin_features(z, origins, spec), columns=names))
            if spec.feature_lags:
                parts.append(self._feature_lags(history, X_target, index))
        return pd.concat([p.reset_index(drop=True) for p in parts], axis=1)

    def _feature_lags(self, history: SeriesData, X_target: pd.DataFrame, index: np.ndarray) -> pd.DataFrame:
        """Numeric known features at ``index - lag`` (from the history, or the target rows)."""
        out = {}
        for column in [c for c in self.spec_.numeric_features if c in self.spec_.known_features]:
            past = history.X[column].to_numpy(dtype=float)
            for lag in self.spec_.lags:
                position = index - lag
                out[f"{column}_lag{lag}"] = np.where(
                    (position >= 0) & (position < len(past)), past[np.clip(position, 0, len(past) - 1)], np.nan)
        return pd.DataFrame(out)

    def _training_rows(self, s: SeriesData, stride: int) -> tuple[pd.DataFrame, np.ndarray]:
        mean, scale = self._scale(s)
        z = (s.y - mean) / scale
        start = max(s.n_padded, 0)
        if self._origin_based():
            first = max(self.spec_.max_lookback - 1, start, 0)
            origins = np.arange(first, len(s) - 1, stride)
            steps = np.arange(1, self.spec_.horizon + 1)
            o, h = np.repeat(origins, len(steps)), np.tile(steps, len(origins))
            keep = o + h < len(s)
            o, h = o[keep], h[keep]
        else:
            h = np.zeros(len(s) - start, dtype=int)
            o = np.arange(start, len(s))
        target = o + h
        X = self._design(s, z, o, h, s.times[target], s.X.iloc[target].reset_index(drop=True))
        return X, z[target]

    # -- estimator API ------------------------------------------------------------------------
    def fit(self, series: list[SeriesData], spec: ForecastSpec) -> "RegressionForecaster":
        """Build the engineered training rows of every series and fit the learner on them."""
        self.spec_ = spec
        all_times = series[0].times.append([s.times for s in series[1:]]) if len(series) > 1 else series[0].times
        self.calendar_ = CalendarFeatures(spec.frequency, spec.holidays).fit(all_times)
        self.categories_ = {}
        for i, column in enumerate(spec.id_columns):
            self.categories_[column] = sorted({str(s.key[i]) for s in series})
        for column in spec.categorical_features:
            self.categories_[column] = sorted({str(v) for s in series for v in s.X[column].unique()})
        n_rows = sum(len(s) for s in series) * (spec.horizon if self._origin_based() else 1)
        stride = max(1, int(np.ceil(n_rows / MAX_TRAINING_ROWS)))
        parts = [self._training_rows(s, stride) for s in series if len(s) > max(spec.max_lookback, 1)]
        if not parts:
            raise DataError("No series is long enough to build lag features from; shorten the lags.")
        X = pd.concat([p[0] for p in parts], ignore_index=True)
        y = np.concatenate([p[1] for p in parts])
        self.feature_names_ = [str(c) for c in X.columns]
        algorithm = self.algorithm
        params = algorithm.sized_params(self.params, len(y))  # forests capped to their rows
        self.model_ = Pipeline([("preprocessor", algorithm.make_preprocessor()),
                                ("estimator", algorithm.make_estimator(params, n_jobs=self.n_jobs))])
        X_values = X.to_numpy(dtype=float)
        if not algorithm.name.startswith(("LightGBM", "XGBoost")):
            self.medians_ = np.nan_to_num(np.nanmedian(X_values, axis=0)) if len(X_values) else None
            X_values = np.where(np.isnan(X_values), self.medians_, X_values)
        self.model_.fit(X_values, y)
        return self

    def predict_series(self, history: SeriesData, times: pd.DatetimeIndex, X_future: pd.DataFrame) -> np.ndarray:
        """Forecast ``len(times)`` periods after ``history`` (at most the horizon with lags)."""
        mean, scale = self._scale(history)
        z = (history.y - mean) / scale
        n = len(times)
        steps = np.arange(1, n + 1)
        origins = np.full(n, len(history) - 1)
        X = self._design(history, z, origins, steps, pd.DatetimeIndex(times), X_future.reset_index(drop=True))
        values = X[self.feature_names_].to_numpy(dtype=float)
        if getattr(self, "medians_", None) is not None:
            values = np.where(np.isnan(values), self.medians_, values)
        return mean + scale * np.asarray(self.model_.predict(values), dtype=float)
