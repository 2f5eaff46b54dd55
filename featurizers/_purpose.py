"""Column-purpose detection: Azure's v1 ``ColumnPurposeDetector`` rules (reference 5.2).

Let u = distinct non-missing values, n = rows, cr = u / n. The checks run in order:

1. all values missing -> ``AllNan``;  2. u == 1 -> ``Ignore``;
3. date-time parseable -> ``DateTime``;  4. pandas ``category`` dtype -> ``Categorical``;
5. u >= min(200, 0.05 n) (time series: u >= 0.05 n) -> the first of ``_HIGH_CARDINALITY``;
6. otherwise integers -> ``Categorical`` if u <= min(50, 0.05 n) (time series: u / n <= 0.05)
   else ``Numeric``; other numbers -> ``Numeric``; everything else -> ``Categorical``.

"Numbers" are numeric and bool dtypes, plus ``str`` / object columns whose every value
parses as a number (thousands separators allowed: ``"1,234.5"``); "integers" are integer
dtypes and numbers that are all integral.
``+/-inf`` counts as missing.

When the frame is a sample of larger data (data that stays on a cluster), :class:`ColumnCounts`
gives n and u of the whole data, so the rules decide as they would on every row; what needs the
values themselves (numbers, dates, text, hashes) is read from the sample.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable, Mapping

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from . import _constants as C
from ._datetime import looks_like_datetime
from ._errors import FeaturizationConfigError, did_you_mean
from ._numeric import parse_numbers
from ._settings import canonical_purpose
from ._text import average_spaces, is_non_spaced_language

__all__ = ["detect_column_purposes", "detect_with_stats", "ColumnCounts", "ColumnStats", "check_frame"]

_NUMERIC_PROBE = 1000


@dataclass(frozen=True)
class ColumnCounts:
    """The rows and distinct values of the whole data, when the frame planned on is a sample of it.

    Parameters
    ----------
    n_rows : int
        Rows of the whole data.
    distinct : dict of str to int, optional
        Distinct non-missing values per column over the whole data (``+/-inf`` not counted); a column
        not listed takes the sample's count.

    Examples
    --------
    >>> import pandas as pd
    >>> sample = pd.DataFrame({"flag": ["a"] * 500})
    >>> detect_column_purposes(sample)
    {'flag': 'Ignore'}
    >>> detect_column_purposes(sample, counts=ColumnCounts(n_rows=10**6, distinct={"flag": 2}))
    {'flag': 'Categorical'}
    """

    n_rows: int
    distinct: Mapping[str, int] = field(default_factory=dict)


class ColumnStats:
    """Lazily computed statistics of one column, as the purpose rules need them; ``n_rows`` and
    ``n_unique`` are the whole data's when ``values`` is a sample of it."""

    def __init__(self, values: pd.Series, *, is_timeseries: bool = False, n_rows: int | None = None,
                 n_unique: int | None = None):
        self.values = values
        self.is_timeseries = is_timeseries
        self.n = len(values) if n_rows is None else n_rows
        if n_unique is not None:
            self.u = n_unique  # the cached property's slot: the whole data's count, not the sample's

    @cached_property
    def numbers(self) -> np.ndarray | None:
        """Finite values as float64 when the column is numeric (or all-numeric strings), else None."""
        dtype = self.values.dtype
        if ptypes.is_complex_dtype(dtype) or ptypes.is_datetime64_any_dtype(dtype) \
                or ptypes.is_timedelta64_dtype(dtype) or isinstance(dtype, pd.CategoricalDtype):
            return None
        if ptypes.is_bool_dtype(dtype) or ptypes.is_numeric_dtype(dtype):
            raw = self.values.to_numpy(dtype=np.float64, na_value=np.nan)
        else:
            raw = self._parse_numbers()
            if raw is None:
                return None
        return raw[np.isfinite(raw)]

    def _parse_numbers(self) -> np.ndarray | None:
        present = self.values.dropna()
        if present.empty or "bool" in ptypes.infer_dtype(present, skipna=True):
            return None
        if np.isnan(parse_numbers(present.iloc[:_NUMERIC_PROBE])).any():
            return None
        parsed = parse_numbers(self.values)
        if int((~np.isnan(parsed)).sum()) != len(present):
            return None
        return parsed

    @property
    def is_numeric(self) -> bool:
        return self.numbers is not None

    @cached_property
    def is_integer(self) -> bool:
        dtype = self.values.dtype
        if ptypes.is_bool_dtype(dtype) or not self.is_numeric:
            return False
        if ptypes.is_integer_dtype(dtype):
            return True
        return bool(np.all(self.numbers == np.floor(self.numbers)))

    @cached_property
    def u(self) -> int:
        if self.is_numeric:
            return int(pd.unique(self.numbers).size)
        return int(self.values.nunique(dropna=True))

    @property
    def cr(self) -> float:
        return self.u / self.n if self.n else 0.0

    @cached_property
    def text_like(self) -> bool:
        return average_spaces(self.values) > C.TEXT_MIN_AVG_SPACES or \
            is_non_spaced_language(self.values)

    @cached_property
    def hash_like(self) -> bool:
        if self.n < C.HASHES_MIN_ROWS:
            return False
        lengths = self.values.dropna().astype(str).str.len().nunique()
        return lengths <= C.HASHES_MAX_LENGTHS


def _is_high_cardinality(st: ColumnStats) -> bool:
    if st.is_timeseries:
        return st.u >= C.HIGH_CARDINALITY_RATIO * st.n
    return st.u >= min(C.HIGH_CARDINALITY_MAX_UNIQUE, C.HIGH_CARDINALITY_RATIO * st.n)


#: Rule 5, in order: the first predicate that holds gives the purpose.
_HIGH_CARDINALITY: tuple[tuple[str, Callable[[ColumnStats], bool]], ...] = (
    ("Numeric", lambda st: st.is_numeric),
    ("Text", lambda st: st.cr > C.TEXT_RATIO and st.text_like),
    ("CategoricalHash", lambda st: st.cr < C.CATEGORICAL_HASH_RATIO
     and st.u < C.CATEGORICAL_HASH_MAX_UNIQUE),
    ("Text", lambda st: st.text_like),
    ("Hashes", lambda st: st.cr > C.HASHES_RATIO and st.hash_like),
    ("Ignore", lambda st: True),
)


def _high_cardinality(st: ColumnStats) -> str | None:
    if not _is_high_cardinality(st):
        return None
    return next(purpose for purpose, holds in _HIGH_CARDINALITY if holds(st))


def _low_cardinality(st: ColumnStats) -> str:
    if st.is_integer:
        if st.is_timeseries:
            few = st.cr <= C.HIGH_CARDINALITY_RATIO
        else:
            few = st.u <= min(C.INTEGER_CATEGORICAL_MAX_UNIQUE, C.HIGH_CARDINALITY_RATIO * st.n)
        return "Categorical" if few else "Numeric"
    return "Numeric" if st.is_numeric else "Categorical"


#: Rules 1-6 in order; each returns a purpose or None to pass to the next.
_RULES: tuple[Callable[[ColumnStats], str | None], ...] = (
    lambda st: "AllNan" if st.u == 0 else None,
    lambda st: "Ignore" if st.u == 1 else None,
    lambda st: "DateTime" if not st.is_numeric and looks_like_datetime(st.values) else None,
    lambda st: "Categorical" if isinstance(st.values.dtype, pd.CategoricalDtype) else None,
    _high_cardinality,
    _low_cardinality,
)


def detect_purpose(values: pd.Series, *, is_timeseries: bool = False) -> str:
    """Return the purpose of one column (see the module docstring for the rules)."""
    return _first_purpose(ColumnStats(values, is_timeseries=is_timeseries))


def _first_purpose(stats: ColumnStats) -> str:
    return next(p for p in (rule(stats) for rule in _RULES) if p is not None)


def check_frame(X: object) -> pd.DataFrame:
    """Refuse what the featurizers cannot plan for: non-frames, duplicate or non-string names."""
    if not isinstance(X, pd.DataFrame):
        raise FeaturizationConfigError(
            f"Featurization needs a pandas DataFrame, got {type(X).__name__}; "
            "wrap the data with pandas.DataFrame(...) and name its columns.")
    bad = [c for c in X.columns if not isinstance(c, str)]
    if bad:
        raise FeaturizationConfigError(
            f"Column names must be strings; {bad[:5]!r} are not. "
            "Rename them, e.g. X.columns = X.columns.astype(str).")
    duplicated = sorted(set(X.columns[X.columns.duplicated()]))
    if duplicated:
        raise FeaturizationConfigError(
            f"Column names must be unique; {duplicated[:5]!r} appear more than once. "
            "Rename or drop the duplicates.")
    return X


def parse_overrides(X: pd.DataFrame, column_name_and_types: Mapping[str, str] | None) -> dict[str, str]:
    """Validate ``column_name_and_types``: known columns, purposes matched case-insensitively."""
    overrides: dict[str, str] = {}
    for column, purpose in (column_name_and_types or {}).items():
        if column not in X.columns:
            raise FeaturizationConfigError(
                f"column_name_and_types names column {column!r}, which is not in the data."
                f"{did_you_mean(column, X.columns)} Use one of the data's column names.")
        overrides[column] = canonical_purpose(column, purpose)
    return overrides


def detect_column_purposes(X: pd.DataFrame, *, column_name_and_types: Mapping[str, str] | None = None,
                           is_timeseries: bool = False, counts: ColumnCounts | None = None) -> dict[str, str]:
    """Detect the purpose (feature type) of every column.

    Parameters
    ----------
    X : DataFrame
        The training features (no target column).
    column_name_and_types : dict of str to str, optional
        User overrides ``{column: purpose}``; purposes match case-insensitively among
        ``Numeric, Categorical, DateTime, CategoricalHash, Text`` (and ``Hashes`` or
        ``Ignore`` to force a drop).
    is_timeseries : bool, default=False
        Use the forecasting variants of the cardinality rules.
    counts : ColumnCounts, optional
        The whole data's rows and distinct values when ``X`` is a sample of it.

    Returns
    -------
    dict of str to str
        ``{column: purpose}`` in column order, purposes from :data:`PURPOSES`.

    Raises
    ------
    FeaturizationConfigError
        An override or ``counts`` names a column not in ``X``; an unknown purpose; ``counts`` of
        fewer rows than ``X``.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame({"age": [20.5, 31.0, None, 45.2] * 15, "sex": ["m", "f", "f", "m"] * 15})
    >>> detect_column_purposes(X)
    {'age': 'Numeric', 'sex': 'Categorical'}
    """
    purposes, _ = detect_with_stats(X, column_name_and_types, is_timeseries, counts)
    return purposes


def _check_counts(X: pd.DataFrame, counts: ColumnCounts) -> None:
    unknown = [c for c in counts.distinct if c not in X.columns]
    if unknown:
        raise FeaturizationConfigError(
            f"counts names column {unknown[0]!r}, which is not in the data.{did_you_mean(unknown[0], X.columns)} "
            "Count the columns of the frame that is planned on.")
    if counts.n_rows < len(X):
        raise FeaturizationConfigError(
            f"counts.n_rows ({counts.n_rows:,}) is below the frame's {len(X):,} rows; it counts the whole data "
            "the frame is a sample of.")


def detect_with_stats(X: pd.DataFrame, column_name_and_types: Mapping[str, str] | None, is_timeseries: bool,
                      counts: ColumnCounts | None = None) -> tuple[dict[str, str], dict[str, ColumnStats]]:
    """:func:`detect_column_purposes` plus the statistics it computed, for reuse."""
    X = check_frame(X)
    overrides = parse_overrides(X, column_name_and_types)
    if counts is not None:
        _check_counts(X, counts)
    whole = counts or ColumnCounts(len(X))
    stats = {c: ColumnStats(X[c], is_timeseries=is_timeseries, n_rows=whole.n_rows, n_unique=whole.distinct.get(c))
             for c in X.columns}
    purposes = {c: overrides.get(c) or _first_purpose(stats[c]) for c in X.columns}
    return purposes, stats
