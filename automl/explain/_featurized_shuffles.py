"""Shuffled raw columns read off the featurized rows: permutation importance featurizes once.

A job's model is a pipeline whose first step, a ``ColumnTransformer``, featurizes each raw column
on its own and row by row. Shuffling a raw column then shuffles, in the same order, the rows of
the engineered columns it owns (``featurizers.raw_feature_origins``) and leaves the others as
they were. Permutation importance can so featurize the rows once and predict every shuffle with
the steps after the featurization, instead of featurizing every shuffled copy: on small tables
the featurization is most of a prediction's cost.

That property is checked on the rows themselves before it is used (:meth:`FeaturizedShuffles.of`).
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline

from featurizers import raw_feature_origins

__all__ = ["CHECK_ROWS", "MIN_CHECK_ROWS", "FeaturizedShuffles", "shuffled_frame"]

#: Rows needed at least for the check to mean something (with fewer, a permutation too often leaves
#: rows where they were); below it the shuffled copies are featurized one by one.
MIN_CHECK_ROWS = 20
#: Rows the check reads at most (the first ones): it tests the featurization, not the rows.
CHECK_ROWS = 200


def shuffled_frame(X: pd.DataFrame, column: Any, permutations: Sequence[np.ndarray]) -> pd.DataFrame:
    """Copies of ``X`` stacked, one per permutation, ``column`` reordered by it in each.

    The column is reordered as a Series, so it keeps its dtype (categorical, datetime, nullable).
    """
    stacked = pd.concat([X] * len(permutations), ignore_index=True)
    stacked[column] = pd.concat([X[column].iloc[p] for p in permutations], ignore_index=True)
    return stacked


def _same(a: Any, b: Any) -> bool:
    """Equal values, and for sparse matrices the same stored entries (a stored zero is not an absent
    entry to XGBoost, which reads absent entries as missing)."""
    if sp.issparse(a) != sp.issparse(b) or a.shape != b.shape:
        return False
    if sp.issparse(a):
        a, b = a.tocsr(copy=True), b.tocsr(copy=True)
        a.sort_indices()
        b.sort_indices()
        if not (np.array_equal(a.indptr, b.indptr) and np.array_equal(a.indices, b.indices)):
            return False
        a, b = a.data, b.data
    return bool(np.allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=1e-12, atol=0.0,
                            equal_nan=True))


class FeaturizedShuffles:
    """The featurized rows of a model's input, and their copies with one raw column shuffled.

    Build it with :meth:`of`, which returns None when the model's featurization cannot be read
    this way.

    Attributes
    ----------
    tail : Pipeline
        The model's steps after the featurization; it predicts the featurized rows.
    """

    def __init__(self, head: ColumnTransformer, tail: Pipeline, X: pd.DataFrame, owned: dict[str, np.ndarray]):
        self.tail, self._head, self._X, self._owned = tail, head, X, owned
        self._rows: Any = None

    @property
    def rows(self) -> Any:
        """The featurized rows (an array or a CSR matrix), in the order of the raw rows; featurized
        on first use."""
        if self._rows is None:
            self._rows = self._featurized(self._X)
        return self._rows

    def first_rows(self, n: int) -> Any:
        """The first ``n`` featurized rows, featurizing only those when :attr:`rows` is not yet."""
        return self.rows[:n] if self._rows is not None or n >= len(self._X) else self._featurized(self._X.iloc[:n])

    def _featurized(self, X: pd.DataFrame) -> Any:
        rows = self._head.transform(X)
        return rows.tocsr() if sp.issparse(rows) else rows

    @classmethod
    def of(cls, model: Any, X: pd.DataFrame, seed: int = 0) -> FeaturizedShuffles | None:
        """The shuffles of ``X`` for ``model``, or None.

        None unless ``model`` is a pipeline whose first step is a fitted ``ColumnTransformer`` giving
        an array or sparse matrix, ``X`` has at least :data:`MIN_CHECK_ROWS` rows, and the check holds
        on its first :data:`CHECK_ROWS`: every raw column shuffled at once (each its own way) and
        featurized gives the featurized rows with each engineered column shuffled as its raw column
        was. A step reading several columns, or an origin read wrong, fails it.
        """
        if (not isinstance(model, Pipeline) or len(model.steps) < 2 or len(X) < MIN_CHECK_ROWS
                or not isinstance(model.steps[0][1], ColumnTransformer)):
            return None
        head = model.steps[0][1]
        try:
            origins = np.asarray(raw_feature_origins(head), dtype=object)
        except Exception:  # not fitted, or outputs without names: no shortcut
            return None
        owned = {str(c): np.flatnonzero(origins == str(c)) for c in X.columns}
        if sum(len(v) for v in owned.values()) != len(origins):  # an output owned by no column of X
            return None
        shuffles = cls(head, model[1:], X, owned)
        sample = X.iloc[:CHECK_ROWS]
        rows = head.transform(sample)
        if not (sp.issparse(rows) or isinstance(rows, np.ndarray)) or rows.shape[1] != len(origins):
            return None
        rows = rows.tocsr() if sp.issparse(rows) else rows
        rng = np.random.default_rng([seed, 1])
        permutations = {c: rng.permutation(len(sample)) for c in sample.columns}
        everything = sample.copy()
        for column, p in permutations.items():
            everything[column] = sample[column].iloc[p].set_axis(sample.index)
        expected = shuffles._replaced(rows, {str(c): p for c, p in permutations.items()})
        return shuffles if _same(head.transform(everything), expected) else None

    def take(self, positions: np.ndarray) -> FeaturizedShuffles:
        """The same shuffles on the rows at ``positions`` only."""
        taken = FeaturizedShuffles(self._head, self.tail, self._X.iloc[positions], self._owned)
        taken._rows = None if self._rows is None else self._rows[positions]
        return taken

    def stacked(self, column: Any, permutations: Sequence[np.ndarray]) -> Any:
        """Copies of :attr:`rows` stacked, one per permutation, the engineered columns of the raw
        ``column`` reordered by it in each: what featurizing :func:`shuffled_frame` gives."""
        blocks = [self._replaced(self.rows, {str(column): p}) for p in permutations]
        return sp.vstack(blocks, format="csr") if sp.issparse(self.rows) else np.vstack(blocks)

    def _replaced(self, rows: Any, permutations: dict[str, np.ndarray]) -> Any:
        """``rows`` with the engineered columns of each raw column reordered by its permutation."""
        if not sp.issparse(rows):
            out = rows.copy()
            for column, p in permutations.items():
                owned = self._owned[column]
                out[:, owned] = rows[np.ix_(p, owned)]
            return out
        # Sparse: the runs of columns that share a permutation (or keep their order), reordered as blocks
        # and put side by side again, so every stored entry, zeros included, is kept.
        taken = np.full(rows.shape[1], -1)
        orders = list(permutations.values())
        for index, column in enumerate(permutations):
            taken[self._owned[column]] = index
        columns = rows.tocsc()
        edges = np.r_[0, np.flatnonzero(np.diff(taken)) + 1, rows.shape[1]]
        blocks = []
        for start, stop in zip(edges[:-1], edges[1:]):
            block = columns[:, start:stop]
            blocks.append(block if taken[start] < 0 else block[orders[taken[start]]])
        return sp.hstack(blocks, format="csr")
