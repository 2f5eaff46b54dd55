"""Plumbing shared by the featurizers' estimators: input checks, feature names, tags."""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils import check_array
from sklearn.utils.validation import _check_feature_names_in, check_is_fitted, validate_data

__all__ = ["FrameTransformer", "as_frame"]


def as_frame(estimator: BaseEstimator, X: Any, *, reset: bool) -> pd.DataFrame:
    """Check ``X`` like scikit-learn does, but keep a DataFrame's per-column dtypes.

    Parameters
    ----------
    estimator : BaseEstimator
        The estimator whose ``n_features_in_`` / ``feature_names_in_`` are set
        (``reset=True``, in ``fit``) or checked (``reset=False``, in ``transform``).
    X : DataFrame or array-like of shape (n_samples, n_features)
        Input data; sparse input is refused.
    reset : bool
        Whether this is a call from ``fit``.

    Returns
    -------
    DataFrame
        ``X`` itself when it is a DataFrame, otherwise a frame with columns ``x0, x1, ...``.
    """
    if isinstance(X, pd.DataFrame):
        name = type(estimator).__name__
        if X.shape[0] == 0:
            raise ValueError(f"Found array with 0 sample(s) (shape={X.shape}) while a minimum "
                             f"of 1 is required by {name}.")
        if X.shape[1] == 0:
            raise ValueError(f"Found array with 0 feature(s) (shape={X.shape}) while a minimum "
                             f"of 1 is required by {name}.")
        validate_data(estimator, X, skip_check_array=True, reset=reset)
        return X
    array = check_array(X, dtype=None, ensure_all_finite=False, accept_sparse=False)
    validate_data(estimator, array, skip_check_array=True, reset=reset)
    return pd.DataFrame(array, columns=[f"x{i}" for i in range(array.shape[1])])


class FrameTransformer(TransformerMixin, BaseEstimator, ABC):
    """Base of the column-wise transformers: accept DataFrames of any dtypes and missing values.

    ``fit`` records the input columns; subclasses that learn more override it (calling
    :func:`as_frame` with ``reset=True``) and implement ``transform`` and ``_names_for(input_names)``.
    """

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        tags.input_tags.categorical = True
        return tags

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
        as_frame(self, X, reset=True)
        return self

    def _checked(self, X: Any) -> pd.DataFrame:
        check_is_fitted(self, "n_features_in_")
        return as_frame(self, X, reset=False)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Output feature names.

        Parameters
        ----------
        input_features : array-like of str or None
            Input names; defaults to ``feature_names_in_`` (or ``x0, x1, ...``).

        Returns
        -------
        ndarray of str objects
        """
        check_is_fitted(self, "n_features_in_")
        names = _check_feature_names_in(self, input_features)
        return np.asarray(self._names_for([str(n) for n in names]), dtype=object)

    @abstractmethod
    def _names_for(self, input_names: list[str]) -> list[str]:
        """The output names for these input column names."""
