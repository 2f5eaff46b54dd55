"""Date-time columns: parsing, detection, and the ``DateTimeFeatures`` date-part transformer.

Time zones: a tz-aware ``datetime64`` column keeps its own wall-clock time; strings or
objects with time zones (possibly mixed) are converted to UTC; naive values are kept as is.
"""
from __future__ import annotations

import re
import warnings
from typing import Callable

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from ._base import FrameTransformer

__all__ = ["DATE_PARTS", "DateTimeFeatures", "parse_datetime", "looks_like_datetime"]


def _iso_week(d: pd.Series) -> pd.Series:
    return d.dt.isocalendar().week


#: Date parts produced per column, in output order: name -> extractor on a datetime Series.
DATE_PARTS: dict[str, Callable[[pd.Series], pd.Series]] = {
    "year": lambda d: d.dt.year,
    "month": lambda d: d.dt.month,
    "day": lambda d: d.dt.day,
    "dayofweek": lambda d: d.dt.day_of_week,
    "dayofyear": lambda d: d.dt.day_of_year,
    "quarter": lambda d: d.dt.quarter,
    "weekofyear": _iso_week,
    "hour": lambda d: d.dt.hour,
    "minute": lambda d: d.dt.minute,
    "second": lambda d: d.dt.second,
}

_DETECT_SAMPLE = 1000          # distinct values examined by looks_like_datetime
_DETECT_MIN_FRACTION = 0.95    # share of them that must parse
_DETECT_PROBE = 50             # parsed first, to stop early on columns that are not dates
_YYYYMMDD = (19000101, 21001231)
_DIGIT = re.compile(r"\d")


def _to_naive(parsed: pd.Series) -> pd.Series:
    if isinstance(parsed.dtype, pd.DatetimeTZDtype):
        return parsed.dt.tz_convert("UTC").dt.tz_localize(None)
    return parsed


def _parse_strings(values: pd.Series) -> pd.Series:
    """Parse objects/strings: a fast pass with one inferred format, then a per-value pass."""
    values = values.astype(object)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            parsed = _to_naive(pd.to_datetime(values, errors="coerce", utc=True))
        except (ValueError, TypeError, OverflowError):
            parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
        failed = parsed.isna().to_numpy() & values.notna().to_numpy()
        if failed.any():
            retry = values[failed].map(_parse_one)
            parsed = parsed.astype("datetime64[ns]")
            parsed[failed] = pd.to_datetime(retry, errors="coerce").astype("datetime64[ns]")
    return parsed


def _parse_one(value: object) -> pd.Timestamp:
    try:
        stamp = pd.to_datetime(value if not isinstance(value, str) else value.strip(),
                               format="mixed", utc=True)
    except (ValueError, TypeError, OverflowError):
        return pd.NaT
    return stamp.tz_convert(None) if stamp is not pd.NaT else pd.NaT


def _parse_numbers(values: pd.Series) -> pd.Series:
    """Integers like 20190323 are ``YYYYMMDD``; other numbers are seconds since the epoch."""
    numbers = np.array(values.to_numpy(dtype=np.float64, na_value=np.nan), copy=True)
    present = numbers[np.isfinite(numbers)]
    integral = present.size > 0 and bool(np.all(present == np.floor(present)))
    if integral and present.min() >= _YYYYMMDD[0] and present.max() <= _YYYYMMDD[1]:
        text = pd.Series(numbers, index=values.index).map(
            lambda v: f"{int(v)}" if np.isfinite(v) else None)
        return pd.to_datetime(text, format="%Y%m%d", errors="coerce")
    numbers[~np.isfinite(numbers)] = np.nan
    return pd.to_datetime(pd.Series(numbers, index=values.index), unit="s", errors="coerce")


def parse_datetime(values: pd.Series) -> pd.Series:
    """Parse a column to naive ``datetime64``; what does not parse becomes ``NaT``.

    Parameters
    ----------
    values : Series
        Datetimes (naive or tz-aware), strings, mixed objects, or numbers.

    Returns
    -------
    Series of naive datetime64
    """
    dtype = values.dtype
    if isinstance(dtype, pd.DatetimeTZDtype):
        return values.dt.tz_localize(None)
    if ptypes.is_datetime64_dtype(dtype):
        return values
    if ptypes.is_bool_dtype(dtype):
        return pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    if ptypes.is_numeric_dtype(dtype) and not ptypes.is_complex_dtype(dtype):
        return _parse_numbers(values)
    return _parse_strings(values)


def _date_candidate(value: object) -> bool:
    """A value that may be a date: a datetime object, or a non-numeric string with a digit."""
    if isinstance(value, (pd.Timestamp, np.datetime64)) or hasattr(value, "isoformat"):
        return True
    if not isinstance(value, str) or not _DIGIT.search(value):
        return False
    try:
        float(value)
    except ValueError:
        return True
    return False


def _parsed_share(candidates: list) -> int:
    return int(_parse_strings(pd.Series(candidates, dtype=object)).notna().sum())


def looks_like_datetime(values: pd.Series) -> bool:
    """Whether a non-numeric column holds date-times (reference 5.2, rule 3).

    ``datetime64`` columns always do. For other non-numeric columns, up to 1,000 distinct
    non-missing values are examined: at least 95% must be strings with a digit that are
    not plain numbers (or datetime objects) and must parse. A probe of the first 50
    candidates is parsed first so that columns that are clearly not dates stop early.
    """
    dtype = values.dtype
    if ptypes.is_datetime64_any_dtype(dtype):
        return True
    if ptypes.is_bool_dtype(dtype) or ptypes.is_numeric_dtype(dtype) \
            or ptypes.is_timedelta64_dtype(dtype):
        return False
    distinct = pd.unique(values.dropna().astype(object).to_numpy())[:_DETECT_SAMPLE]
    if distinct.size == 0:
        return False
    candidates = [v for v in distinct if _date_candidate(v)]
    needed = _DETECT_MIN_FRACTION * distinct.size
    if len(candidates) < needed:
        return False
    probe = candidates[:_DETECT_PROBE]
    if _parsed_share(probe) < _DETECT_MIN_FRACTION * len(probe):
        return False
    return _parsed_share(candidates) >= needed


class DateTimeFeatures(FrameTransformer):
    """Azure's ``DateTimeTransformer``: ten date parts per column.

    Parts, in order: year, month, day, dayofweek (Monday = 0), dayofyear, quarter,
    weekofyear (ISO), hour, minute, second. Values that do not parse give ``NaN`` parts
    (impute them downstream). Output names are ``<column>_<part>``.

    Attributes
    ----------
    n_features_in_ : int
    feature_names_in_ : ndarray of str, only when fitted on a DataFrame with string column names

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame({"when": ["2024-02-29 13:45:10", "not a date"]})
    >>> DateTimeFeatures().fit_transform(X)[:, :3].tolist()
    [[2024.0, 2.0, 29.0], [nan, nan, nan]]
    """

    def transform(self, X) -> np.ndarray:
        """Extract the date parts.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of float64, shape (n_samples, 10 * n_features)
        """
        frame = self._checked(X)
        blocks = []
        for j in range(frame.shape[1]):
            stamps = parse_datetime(frame.iloc[:, j].reset_index(drop=True))
            blocks.extend(part(stamps).to_numpy(dtype=np.float64, na_value=np.nan)
                          for part in DATE_PARTS.values())
        return np.column_stack(blocks)

    def _names_for(self, input_names: list[str]) -> list[str]:
        return [f"{name}_{part}" for name in input_names for part in DATE_PARTS]
