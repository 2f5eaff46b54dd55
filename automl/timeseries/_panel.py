"""The prepared series of a forecasting job and the resolved settings every model shares."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["FOURIER_TERMS", "SeriesData", "ForecastSpec", "fourier_terms", "series_label"]

#: Sine and cosine pairs of each long season given to the regression learners (harmonics 1..K).
FOURIER_TERMS = 2
_DAY_NANOS = 86_400 * 10 ** 9


def series_label(key: tuple) -> str:
    """``"Adelaide|South Australia|Business"``; ``""`` for the single series of a job without ids."""
    return "|".join(str(v) for v in key)


def fourier_terms(times: pd.DatetimeIndex, seasons_days: list[float]) -> dict[str, np.ndarray]:
    """Sine and cosine of harmonics ``1..FOURIER_TERMS`` of each season (in days) at ``times``, in phase
    with the calendar (days since 1970-01-01), so every series and every forecast origin agree.

    >>> t = pd.DatetimeIndex(["1970-01-01", "1970-01-04"])
    >>> {k: v.round(3).tolist() for k, v in fourier_terms(t, [7.0]).items() if k.endswith("1")}
    {'_automl_season7d_sin1': [0.0, 0.434], '_automl_season7d_cos1': [1.0, -0.901]}
    """
    days = pd.DatetimeIndex(times).as_unit("ns").asi8 / _DAY_NANOS
    columns = {}
    for season in seasons_days:
        for k in range(1, FOURIER_TERMS + 1):
            angle = 2 * np.pi * k * days / season
            columns[f"_automl_season{season:g}d_sin{k}"] = np.sin(angle)
            columns[f"_automl_season{season:g}d_cos{k}"] = np.cos(angle)
    return columns


@dataclass
class SeriesData:
    """One series on a regular grid: times, target and the feature columns, aligned.

    ``n_padded`` leading points were padded (short series handling) and are never scored.
    """

    key: tuple
    times: pd.DatetimeIndex
    y: np.ndarray
    X: pd.DataFrame
    n_padded: int = 0

    def __len__(self) -> int:
        return len(self.y)

    @property
    def label(self) -> str:
        """The series' id values joined with ``|``."""
        return series_label(self.key)

    def head(self, n: int) -> "SeriesData":
        """The first ``n`` points (the history up to a forecast origin)."""
        return replace(self, times=self.times[:n], y=self.y[:n], X=self.X.iloc[:n].reset_index(drop=True),
                       n_padded=min(self.n_padded, n))

    def extend(self, times: pd.DatetimeIndex, y: np.ndarray, X: pd.DataFrame) -> "SeriesData":
        """The series with later points appended (rolling forecasts feed actuals back in)."""
        X_all = pd.concat([self.X, X[self.X.columns]], ignore_index=True) if len(self.X.columns) else \
            pd.DataFrame(index=range(len(self.y) + len(y)))
        return replace(self, times=self.times.append(pd.DatetimeIndex(times)),
                       y=np.concatenate([self.y, np.asarray(y, dtype=float)]), X=X_all)


@dataclass
class ForecastSpec:
    """The forecasting settings with every ``auto`` resolved, and the feature schema.

    Attributes
    ----------
    time_column, target : str
    id_columns : list of str
    frequency : str
        pandas offset alias of the grid.
    horizon : int
    season : int
        1 when non-seasonal.
    long_seasons : list of float
        Seasons longer than ``season`` that the data shows, in days (a week and a year of hourly
        data, a year of daily data; ``seasonality="auto"`` only): regression learners get
        :data:`FOURIER_TERMS` sine and cosine pairs of each (:func:`fourier_terms`).
    lags, windows : list of int
        Target lags and rolling-window sizes (empty when off).
    feature_lags : bool
        Whether numeric features get the target lags too.
    use_stl : str or None
    holidays : str or None
        Country code of the holiday feature.
    n_cross_validations, cv_step_size : int
    numeric_features, categorical_features : list of str
        Feature columns (besides time, ids and target) by kind.
    unknown_features : list of str
        Features not known at forecast time (their last known value is used).
    fill_values : dict
        What missing feature values are imputed with (medians, most frequent values).
    min_length : int
        Points a series needs for the horizon, lags and validation folds.
    """

    time_column: str
    target: str
    id_columns: list[str]
    frequency: str
    horizon: int
    season: int = 1
    long_seasons: list[float] = field(default_factory=list)
    lags: list[int] = field(default_factory=list)
    windows: list[int] = field(default_factory=list)
    feature_lags: bool = False
    use_stl: str | None = None
    holidays: str | None = None
    n_cross_validations: int = 1
    cv_step_size: int = 1
    numeric_features: list[str] = field(default_factory=list)
    categorical_features: list[str] = field(default_factory=list)
    unknown_features: list[str] = field(default_factory=list)
    fill_values: dict[str, Any] = field(default_factory=dict)
    min_length: int = 2

    @property
    def features(self) -> list[str]:
        """Every feature column, numeric first."""
        return [*self.numeric_features, *self.categorical_features]

    @property
    def known_features(self) -> list[str]:
        """Features a future frame must bring."""
        return [c for c in self.features if c not in self.unknown_features]

    @property
    def max_lookback(self) -> int:
        """The longest lag or window."""
        return max([0, *self.lags, *self.windows])

    @property
    def uses_lags(self) -> bool:
        """Whether target lags or rolling windows are on."""
        return bool(self.lags or self.windows)
