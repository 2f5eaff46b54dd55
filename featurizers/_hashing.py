"""High-cardinality categoricals: Azure's ``HashOneHotEncoder`` (hashed one-hot, fixed seed)."""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction import FeatureHasher

from ._base import FrameTransformer, as_frame
from ._constants import MISSING_TOKEN
from ._strings import column_to_str

__all__ = ["HashOneHotEncoder", "default_number_of_bits", "MAX_NUMBER_OF_BITS"]

#: Largest accepted ``number_of_bits`` (16.7 million columns per input column).
MAX_NUMBER_OF_BITS = 24


def default_number_of_bits(n_unique: int) -> int:
    """``floor(log2(u))``, at least 1: the hashed one-hot has ``2 ** bits`` columns."""
    return max(1, int(math.floor(math.log2(max(n_unique, 2)))))


class HashOneHotEncoder(FrameTransformer):
    """Hashed one-hot encoding of each column into ``2 ** number_of_bits`` columns.

    Each value (as a string; missing values as their own token) is hashed with
    scikit-learn's ``FeatureHasher`` (MurmurHash3, fixed seed 0, no alternating sign),
    so the same value always lands in the same column, across runs and machines, and
    values never seen at fit are still encoded.

    Parameters
    ----------
    number_of_bits : int, sequence of int, or None, default=None
        Bits per column; ``None`` uses ``floor(log2(u))`` of each column's distinct
        values at fit (Azure's rule). A sequence gives one value per column.

    Attributes
    ----------
    n_features_per_column_ : list of int
        Output width for each input column.
    n_features_in_ : int
    feature_names_in_ : ndarray of str, only when fitted on a DataFrame with string column names

    Examples
    --------
    >>> import pandas as pd
    >>> enc = HashOneHotEncoder(number_of_bits=2).fit(pd.DataFrame({"city": ["a", "b", "c"]}))
    >>> enc.transform(pd.DataFrame({"city": ["a", "zzz"]})).shape
    (2, 4)
    """

    def __init__(self, number_of_bits: int | Sequence[int] | None = None):
        self.number_of_bits = number_of_bits

    def _bits(self, frame) -> list[int]:
        n_columns = frame.shape[1]
        if self.number_of_bits is None:
            return [default_number_of_bits(frame.iloc[:, j].nunique()) for j in range(n_columns)]
        bits = ([self.number_of_bits] * n_columns if np.isscalar(self.number_of_bits)
                else list(self.number_of_bits))
        if len(bits) != n_columns:
            raise ValueError(f"number_of_bits has {len(bits)} values for {n_columns} columns.")
        for b in bits:
            if isinstance(b, bool) or not isinstance(b, (int, np.integer)) \
                    or not 1 <= b <= MAX_NUMBER_OF_BITS:
                raise ValueError(f"number_of_bits must be an int in [1, {MAX_NUMBER_OF_BITS}], "
                                 f"got {b!r}.")
        return [int(b) for b in bits]

    def fit(self, X, y=None):
        """Fix the output width of each column.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)
        y : ignored

        Returns
        -------
        self
        """
        frame = as_frame(self, X, reset=True)
        self.n_features_per_column_ = [2 ** b for b in self._bits(frame)]
        return self

    def transform(self, X) -> sp.csr_matrix:
        """Hash every value into its column's block.

        Parameters
        ----------
        X : DataFrame or array-like of shape (n_samples, n_features)

        Returns
        -------
        csr_matrix of float64, shape (n_samples, sum(n_features_per_column_))
        """
        frame = self._checked(X)
        blocks = []
        for j, width in enumerate(self.n_features_per_column_):
            tokens = column_to_str(frame.iloc[:, j], MISSING_TOKEN).reshape(-1, 1)
            hasher = FeatureHasher(n_features=width, input_type="string",
                                   alternate_sign=False, dtype=np.float64)
            blocks.append(hasher.transform(tokens))
        return sp.hstack(blocks, format="csr")

    def _names_for(self, input_names: list[str]) -> list[str]:
        return [f"{name}_hash_{k}" for name, width in zip(input_names, self.n_features_per_column_)
                for k in range(width)]
