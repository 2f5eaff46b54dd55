"""Validate classification inputs once and encode labels as class indices."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import pandas as pd

from automl.errors import ConfigError, DataError

__all__ = ["ClassificationData", "prepare_classification", "positive_index"]


@dataclass(frozen=True)
class ClassificationData:
    """Classification inputs with labels encoded as indices into ``classes``.

    Attributes
    ----------
    y : ndarray of int, shape (n,)
        Index of each row's true class.
    proba : ndarray of float, shape (n, n_classes)
        Probabilities, rows normalised to sum to one.
    pred : ndarray of int, shape (n,)
        Index of the predicted class (argmax of ``proba``).
    n_classes : int
        Number of classes the model knows (``len(classes)``).
    sample_weight : ndarray or None
        Row weights.
    positive : int or None
        Index of the positive class, when one is known.
    finite : bool
        False when ``proba`` holds NaN or inf (the trial's scores are then the worst).
    cache : dict
        What several metrics share, computed once (:meth:`shared`).
    """

    y: np.ndarray
    proba: np.ndarray
    pred: np.ndarray
    n_classes: int
    sample_weight: np.ndarray | None
    positive: int | None
    finite: bool
    cache: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    def shared(self, key: Any, compute: Callable[[], Any]) -> Any:
        """``compute()`` the first time ``key`` is asked for, its value again after: scikit-learn's
        per-class results behind several averages, computed once for all of them."""
        if key not in self.cache:
            self.cache[key] = compute()
        return self.cache[key]

    @property
    def labels(self) -> np.ndarray:
        """All class indices, for scikit-learn's ``labels=``."""
        return np.arange(self.n_classes)

    @property
    def onehot(self) -> np.ndarray:
        """Indicator matrix of the true classes, shape (n, n_classes)."""
        return (self.y[:, None] == self.labels[None, :]).astype(int)


def _class_index(classes: Any) -> pd.Index:
    index = pd.Index(list(np.asarray(classes).tolist()))
    if len(index) < 2:
        raise DataError(f"classes: need at least two classes to score, got {list(index)}.")
    if not index.is_unique:
        raise DataError(f"classes: class labels must be unique, got {list(index)}.")
    return index


def positive_index(classes: Any, positive_label: Any = None) -> int | None:
    """Index of the positive class in ``classes``, or None when none is known.

    ``positive_label`` wins when given (matched exactly, then by its string form, so
    ``"1"`` from a YAML file finds the integer class ``1``). Otherwise the positive
    class is auto-detected only for two classes that are exactly {0, 1} or
    {False, True}; the positive class is then 1 / True.

    Raises
    ------
    ConfigError
        When ``positive_label`` is not one of ``classes``.
    """
    index = _class_index(classes)
    values = index.tolist()
    if positive_label is not None:
        for i, value in enumerate(values):
            if value == positive_label:
                return i
        for i, value in enumerate(values):
            if str(value) == str(positive_label):
                return i
        raise ConfigError(
            f"positive_label: {positive_label!r} is not one of the classes {values}."
        )
    if len(values) == 2 and set(values) == {0, 1}:
        return values.index(1)
    return None


def _encode(y_true: Any, index: pd.Index) -> np.ndarray:
    y = np.asarray(y_true).ravel()
    codes = index.get_indexer(y)
    if (codes < 0).any():
        unknown = pd.unique(pd.Series(y[codes < 0], dtype=object))[:5].tolist()
        raise DataError(
            f"y_true holds labels {unknown} that are not among the model's classes "
            f"{index.tolist()}; pass the classes of the whole training target."
        )
    return codes


def _as_proba(proba: Any, n_rows: int, n_classes: int) -> np.ndarray:
    p = np.asarray(proba, dtype=float)
    if p.ndim == 1 and n_classes == 2:
        p = np.column_stack([1.0 - p, p])
    if p.shape != (n_rows, n_classes):
        raise DataError(
            f"proba: expected shape ({n_rows}, {n_classes}) (rows, classes), got {p.shape}."
        )
    return p


def _as_weights(sample_weight: Any, n_rows: int) -> np.ndarray | None:
    if sample_weight is None:
        return None
    w = np.asarray(sample_weight, dtype=float).ravel()
    if w.shape != (n_rows,):
        raise DataError(f"sample_weight: expected {n_rows} weights, got {w.shape[0]}.")
    return w


def prepare_classification(
    y_true: Any,
    proba: Any,
    classes: Any,
    *,
    sample_weight: Any = None,
    positive_label: Any = None,
) -> ClassificationData:
    """Check shapes, encode ``y_true`` against ``classes`` and derive predictions.

    Raises
    ------
    DataError
        On shape mismatches or labels in ``y_true`` that ``classes`` does not list.
    ConfigError
        When ``positive_label`` is not one of ``classes``.
    """
    index = _class_index(classes)
    y = _encode(y_true, index)
    p = _as_proba(proba, len(y), len(index))
    w = _as_weights(sample_weight, len(y))
    positive = positive_index(classes, positive_label)
    finite = bool(np.isfinite(p).all())
    if finite:
        totals = p.sum(axis=1, keepdims=True)
        p = np.divide(p, totals, out=p.copy(), where=totals > 0)
    pred = p.argmax(axis=1) if finite else np.zeros(len(y), dtype=int)
    return ClassificationData(y, p, pred, len(index), w, positive, finite)
