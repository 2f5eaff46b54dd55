"""The fitted forecasting model: ``forecast``, ``forecast_quantiles``, ``rolling_forecast``, ``predict``."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd
from scipy.stats import norm
from sklearn.base import BaseEstimator, clone

from automl.errors import DataError
from automl.timeseries import _frequency as freq
from automl.timeseries._clean import parse_times, series_keys
from automl.timeseries._panel import ForecastSpec, SeriesData, series_label

__all__ = ["ForecastingModel"]

FORECAST = "forecast"
#: Standardised back-test errors needed before quantiles use their empirical distribution.
MIN_EMPIRICAL = 200


class ForecastingModel(BaseEstimator):
    """A forecaster (or a weighted vote of forecasters) fitted on every series' full history.

    Parameters
    ----------
    members : list of (str, forecaster)
        Unfitted forecasters (:mod:`automl.timeseries` models) and their names.
    weights : list of float, optional
        Vote weights (default: equal).
    residual_scales : dict, optional
        Series key -> error standard deviation per horizon step (back-test errors), for
        ``forecast_quantiles``; series without one use the median scale.
    standard_errors : ndarray, optional
        Back-test errors divided by their scale. With at least ``MIN_EMPIRICAL`` of them the
        quantiles use their (symmetrised) empirical distribution, heavy tails included;
        otherwise normal errors are assumed.

    Attributes
    ----------
    spec_ : ForecastSpec
        Resolved settings: time and id columns, frequency, horizon, lags...
    history_ : dict
        Series key -> :class:`SeriesData`, the training history forecasts start from.
    members_ : list of (str, forecaster)
        The fitted forecasters.

    Examples
    --------
    >>> model = result.best_model                                       # doctest: +SKIP
    >>> model.forecast(future)  # time, ids, known features of the next periods  # doctest: +SKIP
    >>> model.forecast_quantiles(future, quantiles=[0.1, 0.5, 0.9])             # doctest: +SKIP
    """

    def __init__(self, members: Sequence[tuple[str, Any]] = (), weights: Sequence[float] | None = None,
                 residual_scales: dict | None = None, standard_errors: np.ndarray | None = None):
        self.members = members
        self.weights = weights
        self.residual_scales = residual_scales
        self.standard_errors = standard_errors

    def fit(self, series: list[SeriesData], spec: ForecastSpec) -> "ForecastingModel":
        """Fit every member on the full histories."""
        self.spec_ = spec
        self.history_ = {s.key: s for s in series}
        self.members_ = [(name, clone(forecaster).fit(series, spec)) for name, forecaster in self.members]
        weights = np.ones(len(self.members_)) if self.weights is None else np.asarray(self.weights, dtype=float)
        self.weights_ = weights / weights.sum()
        scales = self.residual_scales or {}
        self.fallback_scale_ = (np.nanmedian(np.stack(list(scales.values())), axis=0) if scales
                                else np.ones(spec.horizon))
        errors = None if self.standard_errors is None else np.abs(np.asarray(self.standard_errors, dtype=float))
        self.abs_errors_ = np.sort(errors) if errors is not None and len(errors) >= MIN_EMPIRICAL else None
        return self

    def z_score(self, q: float) -> float:
        """The standardised error quantile: empirical (symmetrised) when there are enough errors."""
        if self.abs_errors_ is None:
            return float(norm.ppf(q))
        return float(np.sign(q - 0.5) * np.quantile(self.abs_errors_, abs(2 * q - 1)))

    # -- reading future frames -----------------------------------------------------------------
    def _read(self, X: pd.DataFrame, source: str,
              need_known: bool = True) -> list[tuple[tuple, np.ndarray, pd.DatetimeIndex, pd.DataFrame]]:
        """Per series: row positions (by time), times and imputed features of ``X``."""
        spec = self.spec_
        if not isinstance(X, pd.DataFrame):
            raise DataError(f"{source} must be a pandas DataFrame with the columns {spec.time_column!r}"
                            + (f" and {spec.id_columns}" if spec.id_columns else "") + ".")
        missing = [c for c in [spec.time_column, *spec.id_columns] if c not in X.columns]
        missing += [c for c in spec.known_features if need_known and c not in X.columns]
        if missing:
            raise DataError(f"{source} lacks the column(s) {', '.join(map(repr, missing))}: a future frame needs "
                            "the time column, the series ids and the features known at forecast time.")
        X = X.reset_index(drop=True)
        times = parse_times(X[spec.time_column], spec.time_column, source)
        keys = series_keys(X, spec.id_columns)
        groups: dict[tuple, list[int]] = {}
        for position, key in enumerate(keys.tolist()):
            groups.setdefault(key, []).append(position)
        unseen = [k for k in groups if k not in self.history_]
        if unseen:
            known = ", ".join(repr(series_label(k)) for k in list(self.history_)[:5])
            names = ", ".join(repr(series_label(k)) for k in unseen[:5])
            raise DataError(f"{source} holds series unseen in training: {names} (training series include "
                            f"{known}). A model can only forecast series it was trained on: retrain with their "
                            "history, or drop their rows.")
        out = []
        for key, rows in groups.items():
            rows = np.asarray(rows)[np.argsort(times[rows].to_numpy(), kind="stable")]
            t = times[rows]
            if t.has_duplicates:
                repeated = sorted(set(map(str, t[t.duplicated()])))[:3]
                raise DataError(f"{source} repeats the timestamp(s) {repeated} "
                                f"of series {series_label(key)!r}: give each period once.")
            out.append((key, rows, t, self._features(X.iloc[rows], key)))
        return out

    def _features(self, rows: pd.DataFrame, key: tuple) -> pd.DataFrame:
        spec = self.spec_
        frame = pd.DataFrame(index=range(len(rows)))
        for column in spec.features:
            if column in rows.columns and column in spec.known_features:
                frame[column] = rows[column].fillna(spec.fill_values[column]).to_numpy()
            else:  # not known at forecast time: its last value in the history
                frame[column] = self.history_[key].X[column].iloc[-1]
        return frame

    def _future_steps(self, key: tuple, times: pd.DatetimeIndex, history: SeriesData, source: str) -> None:
        """Future periods must follow the history without gaps, on the grid, within the horizon."""
        offset = freq.to_offset(self.spec_.frequency)
        expected = pd.date_range(history.times[-1] + offset, periods=len(times), freq=offset)
        label = series_label(key) or "the single series"
        if not times.equals(expected):
            gaps = expected.difference(times)[:3]
            raise DataError(f"{source} for series {label!r} must give every period after the end of its history "
                            f"({history.times[-1]}), on the {self.spec_.frequency!r} grid; missing or misaligned: "
                            f"{', '.join(map(str, gaps)) or ', '.join(map(str, times.difference(expected)[:3]))}. "
                            "Add rows for the missing periods (with their known features).")
        if len(times) > self.spec_.horizon:
            raise DataError(f"{source} asks for {len(times)} periods of series {label!r}, more than "
                            f"forecast_horizon={self.spec_.horizon}. Use rolling_forecast with actuals, or retrain "
                            "with a longer horizon.")

    # -- forecasting ------------------------------------------------------------------------------
    def _combine(self, history: SeriesData, times: pd.DatetimeIndex, X_future: pd.DataFrame) -> np.ndarray:
        forecasts = [f.predict_series(history, times, X_future) for _, f in self.members_]
        return np.average(np.stack(forecasts), axis=0, weights=self.weights_)

    def _scales(self, key: tuple, steps: np.ndarray) -> np.ndarray:
        scale = (self.residual_scales or {}).get(key, self.fallback_scale_)
        return np.asarray(scale)[np.clip(steps - 1, 0, len(scale) - 1)]

    def _predict_rows(self, X: pd.DataFrame, source: str) -> tuple[np.ndarray, np.ndarray, list]:
        """Point forecasts and horizon steps of every row of ``X``; rows inside the history are
        back-tested from the origin of their horizon-long window (counted back from the end)."""
        values, steps = np.full(len(X), np.nan), np.ones(len(X), dtype=int)
        keys: list = [None] * len(X)
        for key, rows, times, features in self._read(X, source):
            history = self.history_[key]
            inside = times <= history.times[-1]
            for r in rows:
                keys[r] = key
            if (~inside).any():
                self._future_steps(key, times[~inside], history, source)
                values[rows[~inside]] = self._combine(history, times[~inside], features[~inside])
                steps[rows[~inside]] = np.arange(1, int((~inside).sum()) + 1)
            if inside.any():
                self._backtest(key, rows[inside], times[inside], values, steps, source)
        return values, steps, keys

    def _backtest(self, key: tuple, rows: np.ndarray, times: pd.DatetimeIndex, values: np.ndarray,
                  steps: np.ndarray, source: str) -> None:
        history, horizon = self.history_[key], self.spec_.horizon
        positions = history.times.get_indexer(times)
        if (positions < 0).any():
            raise DataError(f"{source}: {times[positions < 0][0]} is not a period of series "
                            f"{series_label(key)!r} on the {self.spec_.frequency!r} grid.")
        window = (len(history) - 1 - positions) // horizon
        for w in np.unique(window):
            origin = len(history) - (w + 1) * horizon  # history length before the window
            if origin < 2:
                continue
            past = history.head(origin)
            span = slice(origin, origin + horizon)
            forecast = self._combine(past, history.times[span], history.X.iloc[span].reset_index(drop=True))
            chosen = window == w
            values[rows[chosen]] = forecast[positions[chosen] - origin]
            steps[rows[chosen]] = positions[chosen] - origin + 1

    def _frame(self, X: pd.DataFrame, columns: dict[str, np.ndarray]) -> pd.DataFrame:
        spec = self.spec_
        out = X[[spec.time_column, *spec.id_columns]].reset_index(drop=True).copy()
        for name, value in columns.items():
            out[name] = value
        return out

    def forecast(self, X_future: pd.DataFrame) -> pd.DataFrame:
        """Point forecasts for the rows of ``X_future``.

        Parameters
        ----------
        X_future : DataFrame
            The time column, the series ids and the features known at forecast time, for
            the periods right after each series' history (at most ``forecast_horizon``).

        Returns
        -------
        DataFrame
            ``X_future``'s time and id columns, in its row order, and ``forecast``.

        Raises
        ------
        DataError
            Missing columns, unparseable times, unseen series, missing or extra periods.
        """
        values, _, _ = self._predict_rows(X_future, "X_future")
        return self._frame(X_future, {FORECAST: values})

    def forecast_quantiles(self, X_future: pd.DataFrame, quantiles: Sequence[float] = (0.025, 0.5, 0.975)
                           ) -> pd.DataFrame:
        """Forecast quantiles: the back-test error scale of each series and step, times the
        standardised error quantile (empirical with enough back-test errors, else normal).

        Returns
        -------
        DataFrame
            Time and id columns, then one column per quantile (named by the quantile).
        """
        quantiles = [float(q) for q in quantiles]
        if not quantiles or not all(0.0 < q < 1.0 for q in quantiles):
            raise DataError(f"quantiles must lie strictly between 0 and 1, got {quantiles}.")
        values, steps, keys = self._predict_rows(X_future, "X_future")
        sigma = np.array([self._scales(k, np.array([s]))[0] for k, s in zip(keys, steps)])
        return self._frame(X_future, {q: values + self.z_score(q) * sigma for q in quantiles})

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Point forecasts of the rows of ``X`` (future periods, or back-tests inside the history)."""
        values, _, _ = self._predict_rows(X, "X")
        return values

    def rolling_forecast(self, X_test: pd.DataFrame, y_test: Any, step: int = 1) -> pd.DataFrame:
        """Back-test over a test period: forecast, then move the origin ``step`` periods on, with the
        actuals of ``y_test`` added to the history, until the end of the test period.

        Returns
        -------
        DataFrame
            Id columns, ``origin`` (last period of the history used), the time column,
            ``horizon`` (1 = first period after the origin), ``actual`` and ``forecast``.
        """
        if isinstance(step, bool) or not isinstance(step, int) or step < 1:
            raise DataError(f"step must be a whole number of at least 1, got {step!r}.")
        y_test = np.asarray(y_test, dtype=float)
        if len(y_test) != len(X_test):
            raise DataError(f"y_test has {len(y_test)} values for {len(X_test)} rows of X_test.")
        records = []
        for key, rows, times, features in self._read(X_test, "X_test"):
            history = self.history_[key]
            offset = freq.to_offset(self.spec_.frequency)
            self._future_steps(key, times[: min(len(times), self.spec_.horizon)], history, "X_test")
            expected = pd.date_range(history.times[-1] + offset, periods=len(times), freq=offset)
            if not times.equals(expected):
                raise DataError(f"X_test for series {series_label(key)!r} must give every period after "
                                f"{history.times[-1]} without gaps.")
            for origin in range(0, len(times), step):
                h = min(self.spec_.horizon, len(times) - origin)
                past = history.extend(times[:origin], y_test[rows[:origin]], features.iloc[:origin])
                span = slice(origin, origin + h)
                forecast = self._combine(past, times[span], features.iloc[span].reset_index(drop=True))
                for i in range(h):
                    records.append({**dict(zip(self.spec_.id_columns, key)), "origin": past.times[-1],
                                    self.spec_.time_column: times[origin + i], "horizon": i + 1,
                                    "actual": y_test[rows[origin + i]], FORECAST: forecast[i]})
        columns = [*self.spec_.id_columns, "origin", self.spec_.time_column, "horizon", "actual", FORECAST]
        return pd.DataFrame(records, columns=columns)  # the columns even for no rows
