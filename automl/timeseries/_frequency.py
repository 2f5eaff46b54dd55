"""Frequencies: infer them, compare them, and put time points on their grid."""
from __future__ import annotations

import warnings
from collections import Counter

import numpy as np
import pandas as pd

__all__ = ["infer_frequency", "to_offset", "period_length", "on_grid", "bucket", "grid",
           "default_season", "long_season_candidates", "max_lag_for"]

#: Consecutive points looked at together when inferring a frequency.
_WINDOW = 7
#: Season length by frequency family when seasonality is "auto" (before it is checked on the data).
_SEASONS = {"year": 1, "quarter": 4, "month": 12, "week": 52, "day": 7, "hour": 24, "minute": 60}
#: Seasons longer than a frequency's usual one, in days: a day, a week, a year (hours and minutes
#: show all three, days a year). Only frequencies of a fixed duration have them.
LONG_SEASON_DAYS = (1.0, 7.0, 365.25)
#: A long season is at least this many times the usual one (a year of weeks is the usual 52).
_LONGER = 1.5
#: Longer seasons than this many periods are not looked for (a year of 15-minute periods).
_MAX_SEASON_PERIODS = 10_000
#: Periods to the next coarser calendar unit (Azure's max-lag rule: twice this many).
_NEXT_UNIT = {"year": 1, "quarter": 4, "month": 12, "week": 4, "day": 7, "hour": 24, "minute": 60}


def to_offset(frequency: str) -> pd.DateOffset:
    """The pandas offset of an alias."""
    return pd.tseries.frequencies.to_offset(frequency)


def infer_frequency(times: pd.DatetimeIndex) -> str | None:
    """The frequency of most windows of consecutive points, or None.

    Windows containing a gap give no answer, so a few missing dates (Dec 31 of leap
    years in a daily series) do not hide the frequency.
    """
    times = pd.DatetimeIndex(times).sort_values().unique()
    if len(times) < 3:
        return None
    width = min(_WINDOW, len(times))
    votes: Counter = Counter()
    step = max(1, (len(times) - width) // 200)
    for start in range(0, len(times) - width + 1, step):
        with warnings.catch_warnings():  # pandas 3 announces offsets instead of strings
            warnings.simplefilter("ignore")
            alias = pd.infer_freq(times[start:start + width])
        if alias is not None:
            votes[getattr(alias, "freqstr", alias)] += 1
    if not votes:
        return None
    return votes.most_common(1)[0][0]


def period_length(frequency: str, around: pd.Timestamp | None = None) -> pd.Timedelta:
    """The approximate duration of one period (a month is about 30 days)."""
    start = pd.Timestamp("2001-01-01") if around is None else pd.Timestamp(around)
    offset = to_offset(frequency)
    return (start + offset) - start if offset.is_on_offset(start) else (start + offset) - offset.rollback(start)


def on_grid(times: pd.DatetimeIndex, frequency: str) -> np.ndarray:
    """Which points lie on the grid of ``frequency`` started at the series' first on-grid point."""
    times = pd.DatetimeIndex(times)
    if len(times) == 0:
        return np.zeros(0, dtype=bool)
    full = grid(times.min(), times.max(), frequency)
    return np.asarray(times.isin(full))


def grid(start: pd.Timestamp, end: pd.Timestamp, frequency: str) -> pd.DatetimeIndex:
    """Every period of ``frequency`` from ``start`` (rolled forward onto the grid) to ``end``."""
    offset = to_offset(frequency)
    if isinstance(offset, pd.offsets.Tick):
        return pd.date_range(start, end, freq=offset)
    return pd.date_range(offset.rollforward(start), end, freq=offset)


def bucket(times: pd.DatetimeIndex, frequency: str) -> pd.DatetimeIndex:
    """The grid period each time falls in (start of the period), for aggregation."""
    offset = to_offset(frequency)
    times = pd.DatetimeIndex(times)
    if isinstance(offset, pd.offsets.Tick):
        return times.floor(offset)
    return pd.DatetimeIndex([offset.rollback(t.normalize()) if not offset.is_on_offset(t.normalize())
                             else t.normalize() for t in times])


def _family(frequency: str) -> str:
    from featurizers._timeseries import frequency_family

    return frequency_family(frequency)


def default_season(frequency: str) -> int:
    """The usual season length of a frequency (12 for monthly, 7 for daily...)."""
    return _SEASONS[_family(frequency)]


def long_season_candidates(frequency: str) -> list[tuple[float, int]]:
    """The long seasons (:data:`LONG_SEASON_DAYS`) a series of ``frequency`` may show: ``(days, periods)``
    of each, longer than its usual season; none for frequencies of no fixed duration (months, business days).

    >>> long_season_candidates("h"), long_season_candidates("D"), long_season_candidates("MS")
    ([(7.0, 168), (365.25, 8766)], [(365.25, 365)], [])
    """
    try:
        step_days = pd.Timedelta(to_offset(frequency)) / pd.Timedelta(days=1)
    except (TypeError, ValueError):
        return []
    usual = default_season(frequency)
    found = [(days, int(round(days / step_days))) for days in LONG_SEASON_DAYS]
    return [(days, periods) for days, periods in found if _LONGER * usual <= periods <= _MAX_SEASON_PERIODS]


def max_lag_for(frequency: str) -> int:
    """Azure's maximum auto lag: twice the periods to the next coarser calendar unit."""
    return 2 * _NEXT_UNIT[_family(frequency)]
