"""Time-series features: calendar parts of a time index, holidays, and origin-relative target
lags and rolling windows, plus the partial autocorrelation behind Azure's ``auto`` lags.

Everything here works on plain numpy arrays and pandas indexes, so it is usable without
the rest of automl-studio.

Examples
--------
>>> import pandas as pd
>>> times = pd.date_range("2024-01-01", periods=3, freq="MS")
>>> CalendarFeatures(frequency="MS").fit(times).transform(times).columns.tolist()
['_automl_year', '_automl_month']
>>> origin_lag_features(np.arange(10.0), origin=9, lags=[1, 2], windows=[3]).round(2).tolist()
[9.0, 8.0, 8.0, 0.82]
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

__all__ = [
    "CALENDAR_PARTS", "CalendarFeatures", "holiday_flags", "origin_lag_features", "lag_feature_names",
    "pacf", "auto_lag_order", "seasonal_profile", "seasonal_strength",
]

#: Engineered calendar features of a time index; pruned by frequency and by constancy.
CALENDAR_PARTS = {
    "year": lambda t: t.year,
    "half": lambda t: (t.quarter + 1) // 2,
    "quarter": lambda t: t.quarter,
    "month": lambda t: t.month,
    "week": lambda t: t.isocalendar().week.to_numpy(),
    "day": lambda t: t.day,
    "wday": lambda t: t.day_of_week,
    "yday": lambda t: t.day_of_year,
    "hour": lambda t: t.hour,
    "minute": lambda t: t.minute,
}
#: Parts that vary within one period of each frequency family are kept; coarser ones are not.
_PARTS_BY_FAMILY = {
    "year": ("year",),
    "quarter": ("year", "quarter"),
    "month": ("year", "month", "quarter"),
    "week": ("year", "month", "week"),
    "day": ("year", "month", "day", "wday", "yday", "week"),
    "hour": ("year", "month", "day", "wday", "yday", "hour"),
    "minute": ("year", "month", "day", "wday", "hour", "minute"),
}
PREFIX = "_automl_"


def frequency_family(frequency: str | pd.DateOffset) -> str:
    """``"month"`` for ``"MS"``, ``"day"`` for ``"D"`` or ``"B"``, ... (coarsest unit a period spans).

    >>> frequency_family("QS"), frequency_family("W-SUN"), frequency_family("h")
    ('quarter', 'week', 'hour')
    """
    offset = pd.tseries.frequencies.to_offset(frequency)
    name = type(offset).__name__
    for family, marks in (("year", ("Year",)), ("quarter", ("Quarter",)), ("month", ("Month",)),
                          ("week", ("Week",)), ("day", ("Day",)), ("hour", ("Hour",))):
        if any(m in name for m in marks):
            return family
    return "minute"


class CalendarFeatures(TransformerMixin, BaseEstimator):
    """Calendar parts of a ``DatetimeIndex`` (``_automl_year``, ``_automl_month``, ...).

    Parameters
    ----------
    frequency : str
        The series frequency (a pandas offset alias); it picks the parts that can vary.
    country_or_region : str, optional
        ISO 3166 code: adds ``_automl_holiday`` (1 on public holidays) for daily or finer data.

    Attributes
    ----------
    parts_ : list of str
        The calendar parts kept: those of the frequency that vary on the training index.
    """

    def __init__(self, frequency: str = "D", country_or_region: str | None = None):
        self.frequency = frequency
        self.country_or_region = country_or_region

    def fit(self, times: pd.DatetimeIndex, y=None) -> "CalendarFeatures":
        """Keep the parts of the frequency that vary on ``times``."""
        times = pd.DatetimeIndex(times)
        family = frequency_family(self.frequency)
        candidates = _PARTS_BY_FAMILY[family]
        self.parts_ = [p for p in candidates
                       if p == "year" or len(np.unique(np.asarray(CALENDAR_PARTS[p](times)))) > 1]
        self.holidays_ = bool(self.country_or_region) and family in ("day", "hour", "minute")
        return self

    def transform(self, times: pd.DatetimeIndex) -> pd.DataFrame:
        """One column per kept part (float), plus the holiday flag."""
        times = pd.DatetimeIndex(times)
        out = {PREFIX + p: np.asarray(CALENDAR_PARTS[p](times), dtype=float) for p in self.parts_}
        if self.holidays_:
            out[PREFIX + "holiday"] = holiday_flags(times, self.country_or_region)
        return pd.DataFrame(out, index=range(len(times)))

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Names of the output columns."""
        names = [PREFIX + p for p in self.parts_] + ([PREFIX + "holiday"] if self.holidays_ else [])
        return np.asarray(names, dtype=object)


def holiday_flags(times: pd.DatetimeIndex, country_or_region: str) -> np.ndarray:
    """1.0 where a date is a public holiday of ``country_or_region`` (``holidays`` package), else 0.

    Raises
    ------
    ValueError
        When the ``holidays`` package does not know the country code.
    """
    import holidays

    times = pd.DatetimeIndex(times)
    years = sorted(set(times.year.tolist()))
    try:
        calendar = holidays.country_holidays(str(country_or_region).upper(), years=years)
    except (NotImplementedError, KeyError) as exc:
        raise ValueError(f"country_or_region_for_holidays {country_or_region!r} is not a country the "
                         "'holidays' package knows; use an ISO 3166 alpha-2 code such as 'US'.") from exc
    days = set(pd.Timestamp(d) for d in calendar)
    return np.asarray([1.0 if t.normalize() in days else 0.0 for t in times])


def lag_feature_names(lags: Sequence[int], windows: Sequence[int]) -> list[str]:
    """Names of :func:`origin_lag_features`' outputs."""
    names = [f"{PREFIX}lag{lag}" for lag in lags]
    for w in windows:
        names += [f"{PREFIX}window{w}_mean", f"{PREFIX}window{w}_std"]
    return names


def origin_lag_features(y: np.ndarray, origin: int, lags: Sequence[int], windows: Sequence[int]) -> np.ndarray:
    """Target lags and rolling-window statistics seen from the forecast ``origin``.

    Lag ``l`` is ``y[origin - l + 1]`` (lag 1 is the value at the origin), so the same
    features serve every horizon (Azure's horizon-dependent lags). A window of ``w`` gives
    the mean and standard deviation of ``y[origin - w + 1 : origin + 1]``. Values before
    the start of ``y`` are NaN.
    """
    out = []
    for lag in lags:
        position = origin - lag + 1
        out.append(y[position] if position >= 0 else np.nan)
    for w in windows:
        window = y[max(0, origin - w + 1): origin + 1]
        out += [float(np.mean(window)) if len(window) else np.nan,
                float(np.std(window)) if len(window) > 1 else np.nan]
    return np.asarray(out, dtype=float)


def pacf(y: np.ndarray, max_lag: int) -> np.ndarray:
    """Partial autocorrelations at lags ``1..max_lag`` (Durbin-Levinson on the sample ACF)."""
    y = np.asarray(y, dtype=float)
    y = y - y.mean()
    n = len(y)
    denominator = float(np.dot(y, y)) or 1.0
    acf = np.array([np.dot(y[: n - k], y[k:]) / denominator for k in range(max_lag + 1)])
    result = np.zeros(max_lag)
    phi = np.zeros(max_lag + 1)
    for k in range(1, max_lag + 1):
        if k == 1:
            phi_kk = acf[1]
        else:
            numerator = acf[k] - np.dot(phi[1:k], acf[1:k][::-1])
            denom = 1.0 - np.dot(phi[1:k], acf[1:k])
            phi_kk = numerator / denom if abs(denom) > 1e-12 else 0.0
        previous = phi.copy()
        phi[k] = phi_kk
        for j in range(1, k):
            phi[j] = previous[j] - phi_kk * previous[k - j]
        result[k - 1] = phi_kk
    return result


def auto_lag_order(y: np.ndarray, max_lag: int, season: int = 1) -> tuple[int, int]:
    """Azure's ``auto`` heuristic: ``(target lag order, rolling window size)``; 0 means off.

    The series is deseasonalised (seasonal means removed), its PACF computed up to
    ``max_lag``; a lag is significant when ``|pacf| > 1.96 / sqrt(max_lag)`` (Azure's
    docstring). All significant means strong seasonality: no lags. Otherwise the lag
    order is the number of leading significant lags and the window the last significant
    position.
    """
    y = np.asarray(y, dtype=float)
    max_lag = int(min(max_lag, len(y) // 2 - 1))
    if max_lag < 1:
        return 0, 0
    if season > 1 and len(y) >= 2 * season:
        positions = np.arange(len(y)) % season
        means = np.array([y[positions == p].mean() for p in range(season)])
        y = y - means[positions]
    values = pacf(y, max_lag)
    significant = np.abs(values) > 1.96 / np.sqrt(max_lag)
    if significant.all():
        return 0, 0
    order = int(np.argmin(significant))  # position of the first insignificant lag
    window = int(np.flatnonzero(significant)[-1] + 1) if significant.any() else 0
    return order, window if window > 1 else 0


def _detrended(y: np.ndarray, season: int) -> np.ndarray:
    """``y`` less its centred moving average over ``season``."""
    return y - pd.Series(y).rolling(season, center=True, min_periods=1).mean().to_numpy()


def _position_means(detrended: np.ndarray, season: int) -> np.ndarray:
    positions = np.arange(len(detrended)) % season
    counts = np.bincount(positions, minlength=season)
    return np.bincount(positions, weights=detrended, minlength=season) / np.maximum(counts, 1)


def seasonal_profile(y: np.ndarray, season: int) -> np.ndarray:
    """Mean of the detrended ``y`` (less its centred moving average over ``season``) at each position
    of the season: ``season`` values, position ``i % season`` of point ``i``."""
    return _position_means(_detrended(np.asarray(y, dtype=float), season), season)


def seasonal_strength(y: np.ndarray, season: int) -> float:
    """Share of the detrended variance explained by seasonal means (0 = none, 1 = all)."""
    y = np.asarray(y, dtype=float)
    if season < 2 or len(y) < 2 * season:
        return 0.0
    detrended = _detrended(y, season)
    means = _position_means(detrended, season)
    total = float(np.var(detrended))
    return 0.0 if total <= 0 else float(max(0.0, 1.0 - np.var(detrended - means[np.arange(len(y)) % season]) / total))
