"""Cast any column to strings: the ``StringCast`` step of categorical, hash and text recipes."""
from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from ._base import FrameTransformer, as_frame

__all__ = ["StringCast", "column_to_str"]

MAX_EXACT_INT = 2.0 ** 53


def _scalar_to_str(value: Any) -> str:
    """One value as a string; integral floats print without ``.0`` so ``1``, ``1.0`` and ``"1"`` agree."""
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        value = float(value)
        if value.is_integer() and abs(value) < MAX_EXACT_INT:
            return str(int(value))
        return repr(value)
    return str(value)


def _numbers_to_str(values: np.ndarray) -> np.ndarray:
    """Vectorised :func:`_scalar_to_str` for a float array without missing values; each distinct value
    is written once (a column read as categories repeats a few values many times)."""
    distinct, inverse = np.unique(values, return_inverse=True)
    integral = (distinct == np.floor(distinct)) & (np.abs(distinct) < MAX_EXACT_INT)
    out = distinct.astype(str).astype(object)
    if integral.any():
        out[integral] = distinct[integral].astype(np.int64).astype(str)
    return out[inverse.reshape(-1)]


def _present_to_str(present: pd.Series) -> np.ndarray:
    dtype = present.dtype
    if ptypes.is_bool_dtype(dtype):
        return np.where(present.to_numpy(dtype=bool), "True", "False").astype(object)
    if ptypes.is_numeric_dtype(dtype) and not ptypes.is_complex_dtype(dtype):
        return _numbers_to_str(present.to_numpy(dtype=np.float64))
    if ptypes.is_datetime64_any_dtype(dtype):
        return present.astype(str).to_numpy(dtype=object)
    values = present.to_numpy(dtype=object)
    if ptypes.infer_dtype(values, skipna=False) == "string":
        return values
    return np.array([_scalar_to_str(v) for v in values], dtype=object)


def column_to_str(values: pd.Series, fill_value: Any = np.nan) -> np.ndarray:
    """Return a column as an object array of strings, missing values (and +/-inf) as ``fill_value``.

    Parameters
    ----------
    values : Series
        A column of any dtype (``str``, ``category``, nullable, numeric, bool, mixed objects).
    fill_value : object, default=np.nan
        What missing values become.

    Returns
    -------
    ndarray of dtype object, shape (n_samples,)
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype(object)
    missing = values.isna().to_numpy()
    dtype = values.dtype
    if ptypes.is_numeric_dtype(dtype) and not ptypes.is_bool_dtype(dtype) \
            and not ptypes.is_complex_dtype(dtype):
        missing = missing | ~np.isfinite(values.to_numpy(dtype=np.float64, na_value=np.nan))
    out = np.empty(len(values), dtype=object)
    out[:] = fill_value
    if (~missing).any():
        out[~missing] = _present_to_str(values[~missing])
    return out


class StringCast(FrameTransformer):
    """Cast every column to strings; missing values stay ``NaN`` or become ``fill_value``.

    Integral numbers print without a decimal part, so ``1``, ``1.0`` and ``"1"`` are one
    category; ``+/-inf`` counts as missing. The output feeds scikit-learn's
    ``SimpleImputer`` / ``OneHotEncoder`` / ``OrdinalEncoder`` or a text vectorizer.

    Parameters
    ----------
    fill_value : str or None, default=None
        Replacement for missing values; ``None`` keeps them as ``np.nan``.
    flatten : bool, default=False
        Return a 1-D array (the form text vectorizers take); needs exactly one input column.

    Attributes
    ----------
    n_features_in_ : int
    feature_names_in_ : ndarray of str, only when fitted on a DataFrame with string column names

    Examples
    --------
    >>> import pandas as pd
    >>> StringCast(fill_value="?").fit_transform(pd.DataFrame({"a": [1.0, None, 2.5]}))
    array([['1'],
           ['?'],
           ['2.5']], dtype=object)
    """

    def __init__(self, fill_value: str | None = None, flatten: bool = False):
        self.fill_value = fill_value
        self.flatten = flatten

    def fit(self, X, y=None):
        """Record the input columns.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
        y : ignored

        Returns
        -------
        self
        """
        frame = as_frame(self, X, reset=True)
        if self.flatten and frame.shape[1] != 1:
            raise ValueError(f"StringCast(flatten=True) takes exactly one column, got {frame.shape[1]}.")
        return self

    def transform(self, X) -> np.ndarray:
        """Cast to strings.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of dtype object, shape (n_samples, n_features), or (n_samples,) when ``flatten``
        """
        frame = self._checked(X)
        fill = np.nan if self.fill_value is None else self.fill_value
        columns = [column_to_str(frame.iloc[:, j], fill) for j in range(frame.shape[1])]
        if self.flatten:
            return columns[0]
        return np.column_stack(columns) if columns else np.empty((len(frame), 0), dtype=object)

    def _names_for(self, input_names: list[str]) -> list[str]:
        return input_names

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = []
        return tags
