"""Numeric columns: cast to float (``+/-inf`` as missing) and mark imputed values."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
from pandas.api import types as ptypes
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import _check_feature_names_in, check_is_fitted, validate_data

from ._base import FrameTransformer

__all__ = ["NumericCast", "ImputationMarker", "column_to_float", "parse_numbers"]

#: Magnitudes beyond float32 are clipped: many learners train on float32 and would see infinity.
FLOAT32_LIMIT = float(np.finfo(np.float32).max)
#: A number written with thousands separators: ``1,234``, ``-12,345,678.9``.
_GROUPED = re.compile(r"^\s*[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?\s*$")


def parse_numbers(values: pd.Series) -> np.ndarray:
    """Parse a ``str`` / object column as float64; what is not a number becomes ``NaN``.

    Numbers written with thousands separators (``"1,234.5"``, as spreadsheets export
    them) parse too; a comma in any other position (``"1,5"``) does not.
    """
    raw = values.astype(object)
    parsed = pd.Series(pd.to_numeric(raw, errors="coerce"))
    out = np.array(parsed.to_numpy(dtype=np.float64, na_value=np.nan), dtype=np.float64, copy=True)
    failed = np.flatnonzero(np.isnan(out) & raw.notna().to_numpy())
    if failed.size:
        text = raw.iloc[failed].astype(str)
        grouped = text.str.match(_GROUPED).to_numpy(dtype=bool)
        if grouped.any():
            plain = text[grouped].str.replace(",", "", regex=False)
            out[failed[grouped]] = pd.to_numeric(plain, errors="coerce").to_numpy(dtype=np.float64)
    return out


def column_to_float(values: pd.Series) -> np.ndarray:
    """Return a column as float64; anything that is not a finite number becomes ``NaN``,
    and magnitudes beyond float32's range are clipped to it.

    Handles numeric and nullable dtypes, bools (0/1), datetimes (seconds since the epoch),
    timedeltas (seconds), and ``str`` / object / category columns holding numbers, with or
    without thousands separators (values that do not parse become ``NaN``).
    """
    dtype = values.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        values, dtype = values.astype(object), np.dtype(object)
    if ptypes.is_datetime64_any_dtype(dtype):
        if isinstance(dtype, pd.DatetimeTZDtype):
            values = values.dt.tz_convert("UTC").dt.tz_localize(None)
        out = (values - pd.Timestamp(0)).dt.total_seconds().to_numpy(dtype=np.float64, na_value=np.nan)
    elif ptypes.is_timedelta64_dtype(dtype):
        out = values.dt.total_seconds().to_numpy(dtype=np.float64, na_value=np.nan)
    elif ptypes.is_complex_dtype(dtype):
        raise ValueError("Complex data not supported.")
    elif ptypes.is_bool_dtype(dtype) or ptypes.is_numeric_dtype(dtype):
        out = values.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        out = parse_numbers(values)
    return finite_or_nan(np.array(out, dtype=np.float64, copy=True))


def finite_or_nan(out: np.ndarray) -> np.ndarray:
    """In place: ``+/-inf`` as ``NaN``, magnitudes beyond float32 clipped to its largest value."""
    out[~np.isfinite(out)] = np.nan
    np.clip(out, -FLOAT32_LIMIT, FLOAT32_LIMIT, out=out)
    return out


class NumericCast(FrameTransformer):
    """Cast every column to float64, with ``NaN`` for missing, ``+/-inf`` and unparseable values
    (magnitudes beyond float32 are clipped to its range: float32 learners would see infinity).

    Accepts pandas nullable integers and booleans, ``str`` / object columns holding
    numbers, mixed-type object columns, datetimes (epoch seconds) and timedeltas (seconds).

    Attributes
    ----------
    n_features_in_ : int
    feature_names_in_ : ndarray of str, only when fitted on a DataFrame with string column names

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> X = pd.DataFrame({"a": pd.array([1, None], dtype="Int64"), "b": ["2.5", np.inf]})
    >>> NumericCast().fit_transform(X)
    array([[1. , 2.5],
           [nan, nan]])
    """

    def transform(self, X) -> np.ndarray:
        """Cast to float64.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of float64, shape (n_samples, n_features)
        """
        frame = self._checked(X)
        out = np.empty(frame.shape, dtype=np.float64)
        # Plain numpy numbers and bools in one block: wide frames (10,000 columns) would
        # otherwise spend seconds selecting columns one by one.
        plain = np.array([isinstance(d, np.dtype) and d.kind in "fiub" for d in frame.dtypes], dtype=bool)
        if plain.any():
            block = frame.iloc[:, np.flatnonzero(plain)].to_numpy(dtype=np.float64)
            out[:, plain] = finite_or_nan(np.array(block, copy=True))
        for j in np.flatnonzero(~plain):
            out[:, j] = column_to_float(frame.iloc[:, j])
        return out

    def _names_for(self, input_names: list[str]) -> list[str]:
        return input_names


class ImputationMarker(TransformerMixin, BaseEstimator):
    """Azure's ``ImputationMarker``: a 0/1 column per input column that had missing values at fit.

    A value counts as missing when it is ``NaN`` or ``+/-inf``. Columns without missing
    values in the data seen by ``fit`` get no marker, so the output may have 0 columns.

    Parameters
    ----------
    suffix : str, default="_WASNULL"
        Appended to the input column name to name the marker column.

    Attributes
    ----------
    features_ : ndarray of int
        Indices of the input columns that get a marker.
    n_features_in_ : int
    feature_names_in_ : ndarray of str, only when fitted on a DataFrame with string column names

    Examples
    --------
    >>> import numpy as np
    >>> marker = ImputationMarker().fit(np.array([[1.0, 2.0], [np.nan, 3.0]]))
    >>> marker.transform(np.array([[np.nan, 1.0]])), marker.get_feature_names_out()
    (array([[1.]]), array(['x0_WASNULL'], dtype=object))
    """

    def __init__(self, suffix: str = "_WASNULL"):
        self.suffix = suffix

    def fit(self, X, y=None):
        """Find the columns with missing values.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), numeric
        y : ignored

        Returns
        -------
        self
        """
        X = validate_data(self, X, dtype=np.float64, ensure_all_finite=False)
        self.features_ = np.flatnonzero((~np.isfinite(X)).any(axis=0))
        return self

    def transform(self, X) -> np.ndarray:
        """Return the markers.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), numeric

        Returns
        -------
        ndarray of float64, shape (n_samples, len(features_))
        """
        check_is_fitted(self, "features_")
        X = validate_data(self, X, dtype=np.float64, ensure_all_finite=False, reset=False)
        return (~np.isfinite(X[:, self.features_])).astype(np.float64)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Names ``<column><suffix>`` of the marker columns.

        Parameters
        ----------
        input_features : array-like of str or None

        Returns
        -------
        ndarray of str objects
        """
        check_is_fitted(self, "features_")
        names = _check_feature_names_in(self, input_features)
        return np.asarray([f"{names[i]}{self.suffix}" for i in self.features_], dtype=object)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags
