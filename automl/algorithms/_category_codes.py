"""Categories read back from their featurized blocks, for a learner that encodes categories itself.

The featurization encodes a string column as a block of outputs: one per category (one-hot), one per
hash bucket, or one label code (:func:`featurizers.category_blocks`). CatBoost does better on the
column itself: it encodes categories with ordered target statistics, and combinations of them (on the
meta datasets, 4 better, 8 same and 1 worse of 13 against our one-hot columns:
``benchmarks/results/meta_catboost_categories_2026-12-07.md``). :class:`CategoryCodes` turns each block
back into one integer column, the code of the row's category, which the learner is told is categorical.
Every other feature passes through as it is.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

__all__ = ["CategoryCodes"]

#: The code of a row whose category the block does not know (no output set): one of its own.
UNKNOWN = -1


def _columns(X: np.ndarray | sp.spmatrix, positions: Sequence[int]) -> np.ndarray | sp.csr_matrix:
    return X.tocsc()[:, positions].tocsr() if sp.issparse(X) else np.asarray(X)[:, positions]


class CategoryCodes(TransformerMixin, BaseEstimator):
    """Each block of a featurized matrix as one column of integer codes, first; every other feature after.

    Parameters
    ----------
    blocks : sequence of sequence of int
        Output positions of each categorical column's block (:func:`featurizers.category_blocks`). A
        block of several positions is a one-hot (or hashed) encoding: the code is the position of the
        row's set output, :data:`UNKNOWN` when none is set. A block of one position is a code already
        (a label encoding, perhaps scaled): the code is the rank of its value among the values seen in
        ``fit``, :data:`UNKNOWN` for another value.

    Attributes
    ----------
    n_features_in_ : int
        Width of the featurized matrix seen in ``fit``.
    levels_ : dict of int to ndarray
        Values seen in ``fit`` of each one-position block, by block index.
    rest_ : ndarray of int
        Positions of the features that pass through, in order.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0, 0.0, 0.5, 2.0], [0.0, 1.0, 0.0, 3.0], [0.0, 0.0, 0.5, 4.0]])
    >>> CategoryCodes(blocks=[[0, 1], [2]]).fit(X).transform(X)
       c0  c1   f0
    0   0   1  2.0
    1   1   0  3.0
    2  -1   1  4.0
    """

    def __init__(self, blocks: Sequence[Sequence[int]] = ()) -> None:
        self.blocks = blocks

    @property
    def n_codes(self) -> int:
        """Columns of codes, the first of the output: one per block."""
        return len(self.blocks)

    def fit(self, X: np.ndarray | sp.spmatrix, y: object = None) -> "CategoryCodes":
        """Learn the values of each one-position block and the positions that pass through."""
        self.n_features_in_ = X.shape[1]
        self.levels_ = {j: np.unique(np.asarray(_columns(X, block).todense() if sp.issparse(X)
                                                else _columns(X, block)).ravel())
                        for j, block in enumerate(self.blocks) if len(block) == 1}
        coded = {p for block in self.blocks for p in block}
        self.rest_ = np.array([p for p in range(self.n_features_in_) if p not in coded], dtype=int)
        return self

    def codes(self, X: np.ndarray | sp.spmatrix) -> np.ndarray:
        """The code of every row in every block: an integer array of one column per block."""
        check_is_fitted(self, "rest_")
        codes = np.empty((X.shape[0], len(self.blocks)), dtype=np.int64)
        for j, block in enumerate(self.blocks):
            part = _columns(X, block)
            if len(block) == 1:
                values = np.asarray(part.todense() if sp.issparse(part) else part).ravel()
                rank = np.searchsorted(self.levels_[j], values).clip(0, max(len(self.levels_[j]) - 1, 0))
                known = len(self.levels_[j]) > 0 and (self.levels_[j][rank] == values)
                codes[:, j] = np.where(known, rank, UNKNOWN)
            else:
                position = np.asarray(part.argmax(axis=1)).ravel()
                is_set = np.asarray(part.max(axis=1).todense() if sp.issparse(part) else part.max(axis=1)).ravel() > 0
                codes[:, j] = np.where(is_set, position, UNKNOWN)
        return codes

    def transform(self, X: np.ndarray | sp.spmatrix) -> pd.DataFrame:
        """A frame of the codes (``c0``, ``c1``, ...; integers) and then the other features (``f0``, ...;
        floats, dense)."""
        codes = pd.DataFrame(self.codes(X), columns=[f"c{j}" for j in range(len(self.blocks))])
        rest = _columns(X, self.rest_)
        rest = rest.toarray() if sp.issparse(rest) else np.asarray(rest, dtype=np.float64)
        return pd.concat([codes, pd.DataFrame(rest, columns=[f"f{j}" for j in range(rest.shape[1])])], axis=1)

    def _active(self, X: np.ndarray | sp.spmatrix) -> np.ndarray:
        """The position in ``X`` that stands for each row's category in each block: its set output (a
        block's first position when none is set, and for a one-position block)."""
        codes = self.codes(X)
        return np.stack([np.asarray(block)[np.maximum(codes[:, j], 0)] if len(block) > 1
                         else np.full(X.shape[0], block[0]) for j, block in enumerate(self.blocks)],
                        axis=1).reshape(X.shape[0], len(self.blocks))

    def expand_contributions(self, contributions: np.ndarray, X: np.ndarray | sp.spmatrix) -> np.ndarray:
        """Per-row contributions to the output features (``(rows, outputs, codes + rest + 1)``, the last
        the base value) as contributions to the input features of ``X`` (``(rows, outputs, n_features_in_ + 1)``):
        a code's contribution goes to the output that stands for the row's category."""
        rows, outputs, _ = contributions.shape
        expanded = np.zeros((rows, outputs, self.n_features_in_ + 1))
        expanded[:, :, self.rest_] = contributions[:, :, self.n_codes:-1]
        expanded[:, :, -1] = contributions[:, :, -1]
        active = self._active(X)
        for j in range(self.n_codes):
            np.add.at(expanded, (np.arange(rows), slice(None), active[:, j]), contributions[:, :, j])
        return expanded

    def expand_importances(self, importances: np.ndarray, X: np.ndarray | sp.spmatrix) -> np.ndarray:
        """Importances of the output features as importances of the input features of ``X``: a code's
        share is split over its block's outputs as often as each stands for a row's category."""
        expanded = np.zeros(self.n_features_in_)
        expanded[self.rest_] = importances[self.n_codes:]
        active = self._active(X)
        for j in range(self.n_codes):
            positions, counts = np.unique(active[:, j], return_counts=True)
            expanded[positions] += importances[j] * counts / counts.sum()
        return expanded
