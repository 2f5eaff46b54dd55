"""Lean scorers for the hot loop of ensemble selection.

Caruana selection scores thousands of candidate averages on the same rows:
scikit-learn's input validation then costs more than the metric. For the
metrics below, and data without sample weights, :func:`fast_scorer` returns a
function of the prediction alone, with the target encoded once; it gives the
same value as the metric's ``compute`` (the tests check this against
scikit-learn, ties included). Other metrics get ``None`` and are computed the
general way.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from automl.metrics._counts import class_aucs
from automl.metrics._metric import Metric

FastScorer = Callable[[np.ndarray], float]


def _auc_average(average: str) -> Callable[[np.ndarray, np.ndarray], float]:
    def score(onehot: np.ndarray, proba: np.ndarray) -> float:
        aucs = class_aucs(onehot, proba)
        defined = ~np.isnan(aucs)
        if not defined.any():
            return float("nan")
        if average == "macro":
            return float(aucs[defined].mean())
        support = onehot.sum(axis=0)
        return float(np.average(aucs[defined], weights=support[defined]))
    return score


def _accuracy(onehot: np.ndarray, proba: np.ndarray) -> float:
    return float(onehot[np.arange(len(onehot)), proba.argmax(axis=1)].mean())


#: Classification metrics with a lean implementation (no sample weights).
CLASSIFICATION_FAST: dict[str, Callable[[np.ndarray, np.ndarray], float]] = {
    "AUC_weighted": _auc_average("weighted"),
    "AUC_macro": _auc_average("macro"),
    "accuracy": _accuracy,
}


def fast_scorer(metric: Metric, y: np.ndarray, classes: Any = None,
                sample_weight: np.ndarray | None = None) -> FastScorer | None:
    """A scorer of predictions against the fixed target ``y``, or None when there is none.

    Parameters
    ----------
    metric : Metric
        The metric; only the class-probability metrics of :data:`CLASSIFICATION_FAST` have a
        lean scorer (the others are cheap or need sample weights).
    y : ndarray of shape (n,)
        True labels.
    classes : array-like
        The class labels, in the column order of the probabilities.
    sample_weight : ndarray, optional
        Weighted scoring has no lean path: None is returned.

    Returns
    -------
    callable or None
        ``scorer(proba) -> float`` for class probabilities of shape (n, n_classes).
    """
    if not metric.probabilities or sample_weight is not None or metric.name not in CLASSIFICATION_FAST:
        return None
    index = {c: i for i, c in enumerate(list(classes))}
    codes = np.array([index.get(v, -1) for v in np.asarray(y).tolist()])
    if len(codes) == 0 or (codes < 0).any():
        return None
    onehot = np.zeros((len(codes), len(index)))
    onehot[np.arange(len(codes)), codes] = 1.0
    score = CLASSIFICATION_FAST[metric.name]

    def scorer(proba: np.ndarray) -> float:
        proba = np.asarray(proba, dtype=float)
        if not np.isfinite(proba).all():
            return float("nan")
        totals = proba.sum(axis=1, keepdims=True)  # rows normalised as the general path does
        return score(onehot, np.divide(proba, totals, out=proba.copy(), where=totals > 0))
    return scorer
