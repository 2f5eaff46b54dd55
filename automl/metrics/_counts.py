"""Classification metrics from the counts of each class, and ranking metrics from one sort.

A trial scores every metric on every fold, and so do the ensembles: on folds of a few hundred
rows, scikit-learn's input checks (about a millisecond a call, some twenty calls a fold) cost
more than the metrics. The functions here compute what scikit-learn's do, from inputs already
checked and encoded (:class:`~automl.metrics._class_inputs.ClassificationData`):

- precision, recall and F1 (every average, ``zero_division=0``) and the Matthews correlation from
  the counts of each class (right, true, predicted; weighted), with scikit-learn's formulas, so the
  precision, recall and F1 are the same floats;
- ROC AUC as the Mann-Whitney statistic (tied scores at their average rank: the trapezoidal ROC
  area) and average precision from one sort, as ``precision_recall_curve`` builds it, both
  without sample weights (weighted rows go to scikit-learn). These agree with scikit-learn to
  rounding (the tests hold them to 1e-12).
"""
from __future__ import annotations

import numpy as np
from scipy.stats import rankdata

__all__ = ["average_precision", "class_aucs", "class_counts", "matthews", "prf", "prf_of_class"]

#: Position of each score in what :func:`prf` computes.
KINDS = ("precision", "recall", "f1")


def class_counts(y: np.ndarray, pred: np.ndarray, n_classes: int,
                 weight: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per class: the rows rightly predicted, the rows truly of it, the rows predicted as it (sums of row
    weights when given), summed as ``multilabel_confusion_matrix`` sums them."""
    right = y == pred
    tp = np.bincount(y[right], weights=None if weight is None else weight[right], minlength=n_classes)
    true = np.bincount(y, weights=weight, minlength=n_classes)
    predicted = np.bincount(pred, weights=weight, minlength=n_classes)
    return tp.astype(float), true.astype(float), predicted.astype(float)


def _divide(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """``numerator / denominator``, 0 where the denominator is 0 (scikit-learn's ``zero_division=0``)."""
    out = np.zeros_like(numerator, dtype=float)
    np.divide(numerator, denominator, out=out, where=denominator != 0)
    return out


def _scores(tp: np.ndarray, true: np.ndarray, predicted: np.ndarray) -> dict[str, np.ndarray]:
    # F1 as scikit-learn writes it: (1 + beta^2) tp / (beta^2 true + predicted), beta = 1.
    return {"precision": _divide(tp, predicted), "recall": _divide(tp, true), "f1": _divide(2.0 * tp, 1.0 * true + predicted)}


def prf(counts: tuple[np.ndarray, np.ndarray, np.ndarray], kind: str, average: str) -> float:
    """Precision, recall or F1 over every class of ``counts`` (:func:`class_counts`), averaged ``"macro"``,
    ``"micro"`` or ``"weighted"`` (by true-class support), as ``precision_recall_fscore_support`` does."""
    tp, true, predicted = counts
    if average == "micro":
        tp, true, predicted = np.array([tp.sum()]), np.array([true.sum()]), np.array([predicted.sum()])
    values = _scores(tp, true, predicted)[kind]
    if average == "weighted":
        return float(np.average(values, weights=true)) if true.sum() > 0 else 0.0
    return float(np.average(values))


def prf_of_class(counts: tuple[np.ndarray, np.ndarray, np.ndarray], positive: int, kind: str) -> float:
    """Precision, recall or F1 of the class ``positive`` against all others (``average="binary"``)."""
    tp, true, predicted = (np.array([c[positive]]) for c in counts)
    return float(_scores(tp, true, predicted)[kind][0])


def matthews(counts: tuple[np.ndarray, np.ndarray, np.ndarray]) -> float:
    """Matthews correlation coefficient, ``matthews_corrcoef``'s formula on the class counts (the
    confusion matrix's diagonal and sums)."""
    tp, t_sum, p_sum = counts
    n_correct, n_samples = tp.sum(), p_sum.sum()
    cov_ytyp = n_correct * n_samples - np.dot(t_sum, p_sum)
    cov_ypyp = n_samples ** 2 - np.dot(p_sum, p_sum)
    cov_ytyt = n_samples ** 2 - np.dot(t_sum, t_sum)
    if cov_ypyp * cov_ytyt == 0:
        return 0.0
    return float(cov_ytyp / np.sqrt(cov_ytyt * cov_ypyp))


def class_aucs(onehot: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """ROC AUC of each column of ``scores`` for the matching indicator column of ``onehot`` (NaN where a
    column has no positive or no negative row): the mean rank of the positives, ties at their average."""
    n = len(onehot)
    ranks = rankdata(scores, axis=0)
    positives = onehot.sum(axis=0)
    negatives = n - positives
    with np.errstate(invalid="ignore", divide="ignore"):
        auc = ((ranks * onehot).sum(axis=0) - positives * (positives + 1) / 2) / (positives * negatives)
    return np.where((positives > 0) & (negatives > 0), auc, np.nan)


def average_precision(truth: np.ndarray, score: np.ndarray) -> float:
    """Average precision of the positive rows ``truth`` ranked by ``score`` (NaN without positives):
    ``average_precision_score``'s sum over the distinct thresholds of the precision times the step
    in recall."""
    truth = np.asarray(truth, dtype=float)
    if not truth.any():
        return float("nan")
    order = np.argsort(score, kind="mergesort")[::-1]
    ordered = np.asarray(score)[order]
    last = np.r_[np.flatnonzero(np.diff(ordered)), len(ordered) - 1]  # the last row of each distinct score
    tps = np.cumsum(truth[order], dtype=np.float64)[last]
    fps = 1 + last - tps
    precision = _divide(tps, tps + fps)
    recall = tps / tps[-1]
    precision, recall = np.r_[precision[::-1], 1.0], np.r_[recall[::-1], 0.0]
    return float(-np.sum(np.diff(recall) * precision[:-1]))
