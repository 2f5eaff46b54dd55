"""The prepared series of a forecasting job and the resolved settings every model shares."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["SeriesData", "ForecastSpec", "series_label"]


def series_label(key: tuple) -> str:
    """``"Adelaide|South Australia|Business"``; ``""`` for the single series of a job without ids."""
    return "|".join(str(v) for v in key)


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
