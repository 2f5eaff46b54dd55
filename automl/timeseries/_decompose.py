"""Long seasons for the classical models: MSTL decomposition, then the model on what is left.

ETS fits seasons of up to 24 periods and ARIMA up to 52; a year of days (365) or a week of
hours (168) is out of their reach. As statsmodels' ``STLForecast`` does for one season, the
seasons they cannot fit are taken out first (``MSTL``, one component per season), the model
is fitted on the seasonally adjusted series, and each component's last cycle is repeated
over the horizon and added back.

Examples
--------
>>> t = np.arange(3 * 30)
>>> y = 10 + np.sin(2 * np.pi * t / 30) * 5
>>> adjusted, profiles = deseasonalise(y, [30])
>>> bool(np.ptp(adjusted) < 1.0), seasonal_future(profiles, 3).round(1).tolist()
(True, [-0.0, 1.0, 2.0])
"""
from __future__ import annotations

import numpy as np

from automl.timeseries import _frequency as freq
from automl.timeseries._panel import ForecastSpec

__all__ = ["deseasonalise", "long_periods", "seasonal_future"]

#: Full cycles of a season a history needs before its season is estimated.
MIN_CYCLES = 2
#: The longest season MSTL is given, in periods: a year of days (365) or a week of hours (168) takes
#: 0.6-1.8 s per series, a year of hours (8766) more than two minutes on two years of data.
MAX_PERIOD = 1000


def long_periods(spec: ForecastSpec, n: int, limit: int) -> list[int]:
    """The seasons, in periods, a model that fits seasons of up to ``limit`` periods cannot fit and a
    history of ``n`` points shows at least :data:`MIN_CYCLES` times: the series' season when it is
    longer than ``limit``, and the long seasons ``seasonality="auto"`` found (``spec.long_seasons``),
    up to :data:`MAX_PERIOD`."""
    found = [periods for days, periods in freq.long_season_candidates(spec.frequency)
             if any(abs(days - kept) < 1e-9 for kept in spec.long_seasons)]
    if spec.season > limit:
        found.append(spec.season)
    return sorted(p for p in set(found) if limit < p <= MAX_PERIOD and n >= MIN_CYCLES * p + 2)


def deseasonalise(y: np.ndarray, periods: list[int]) -> tuple[np.ndarray, list[np.ndarray]]:
    """``y`` without its seasons of ``periods`` (statsmodels ``MSTL``), and each season's last cycle.

    Returns
    -------
    adjusted : ndarray of shape (n,)
        ``y`` less every seasonal component.
    profiles : list of ndarray
        The last ``period`` values of each component, in the order of ``periods``.
    """
    from statsmodels.tsa.seasonal import MSTL

    y = np.asarray(y, dtype=float)
    seasonal = np.asarray(MSTL(y, periods=list(periods)).fit().seasonal, dtype=float).reshape(len(y), -1)
    profiles = [seasonal[-period:, i].copy() for i, period in enumerate(periods)]
    return y - seasonal.sum(axis=1), profiles


def seasonal_future(profiles: list[np.ndarray], h: int) -> np.ndarray:
    """The seasons over the next ``h`` periods: each last cycle repeated from where the history ends."""
    out = np.zeros(h)
    for profile in profiles:
        out += np.resize(profile, h)
    return out
