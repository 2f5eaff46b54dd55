"""Numeric columns: cast to float (``+/-inf`` as missing) and mark imputed values."""
from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.api import types as ptypes
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import _check_feature_names_in, check_is_fitted, validate_data

from ._base import FrameTransformer

__all__ = ["NumericCast", "ImputationMarker", "column_to_float"]


def column_to_float(values: pd.Series) -> np.ndarray:
    """Return a column as float64; anything that is not a finite number becomes ``NaN``.

    Handles numeric and nullable dtypes, bools (0/1), datetimes (seconds since the epoch),
    timedeltas (seconds), and ``str`` / object / category columns holding numbers
    (values that do not parse become ``NaN``).
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
        parsed = pd.to_numeric(values.astype(object), errors="coerce")
        out = pd.Series(parsed).to_numpy(dtype=np.float64, na_value=np.nan)
    out = np.array(out, dtype=np.float64, copy=True)
    out[~np.isfinite(out)] = np.nan
    return out


class NumericCast(FrameTransformer):
    """Cast every column to float64, with ``NaN`` for missing, ``+/-inf`` and unparseable values.

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
        return np.column_stack([column_to_float(frame.iloc[:, j]) for j in range(frame.shape[1])])

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
