"""Metric chart data, as Azure's studio draws it: confusion matrix and accuracy table
(classification), residuals and predicted-vs-true (regression).

Each function returns a JSON-ready ``{"schema_type": ..., "data": {...}}`` dict
computed from validation predictions (out-of-fold under cross-validation).
"""
from __future__ import annotations

from typing import Any

import numpy as np

#: Thresholds of the accuracy table: 0.00, 0.01, ..., 1.00.
THRESHOLDS = np.round(np.linspace(0.0, 1.0, 101), 2)
#: Bins of the residuals histogram and of the predicted-vs-true chart.
N_BINS = 10


def confusion_matrix(y_true: np.ndarray, proba: np.ndarray, classes: np.ndarray) -> dict[str, Any]:
    """Counts of (true class, predicted class); rows are true classes, in ``classes`` order."""
    classes = np.asarray(classes)
    index = {c: i for i, c in enumerate(classes.tolist())}
    truth = np.array([index.get(v, -1) for v in np.asarray(y_true).tolist()])
    predicted = np.argmax(proba, axis=1)
    k = len(classes)
    keep = truth >= 0
    matrix = np.bincount(truth[keep] * k + predicted[keep], minlength=k * k).reshape(k, k)
    return {"schema_type": "confusion_matrix",
            "data": {"class_labels": [str(c) for c in classes], "matrix": matrix.tolist()}}


def _counts_at(scores: np.ndarray, positive: np.ndarray, cut_scores: np.ndarray) -> list[list[int]]:
    """``[tp, fp, tn, fn]`` when rows scoring at least each cut are called positive."""
    order = np.argsort(-scores, kind="stable")
    sorted_scores, sorted_pos = scores[order], positive[order]
    tp_cum = np.concatenate([[0], np.cumsum(sorted_pos)])
    n_pos, n = int(positive.sum()), len(scores)
    # Rows with score >= cut are the first m of the descending order.
    m = np.searchsorted(-sorted_scores, -cut_scores, side="right")
    tp = tp_cum[m]
    fp = m - tp
    fn = n_pos - tp
    tn = n - n_pos - fp
    return np.stack([tp, fp, tn, fn], axis=1).astype(int).tolist()


def accuracy_table(y_true: np.ndarray, proba: np.ndarray, classes: np.ndarray) -> dict[str, Any]:
    """One-vs-rest counts per class at probability and percentile thresholds (Azure's format)."""
    y = np.asarray(y_true)
    probability_tables, percentile_tables = [], []
    for j, c in enumerate(np.asarray(classes).tolist()):
        scores = np.asarray(proba[:, j], dtype=float)
        positive = (y == c).astype(int)
        probability_tables.append(_counts_at(scores, positive, THRESHOLDS))
        # Percentile p: the top p% of rows by score are called positive.
        if len(scores):
            ranked = np.sort(scores)[::-1]
            take = np.clip(np.ceil(THRESHOLDS * len(scores)).astype(int), 0, len(scores))
            cuts = np.where(take > 0, ranked[np.maximum(take - 1, 0)], np.inf)
        else:
            cuts = np.full(len(THRESHOLDS), np.inf)
        percentile_tables.append(_counts_at(scores, positive, cuts))
    return {"schema_type": "accuracy_table", "data": {
        "class_labels": [str(c) for c in classes],
        "probability_thresholds": THRESHOLDS.tolist(),
        "percentile_thresholds": (THRESHOLDS * 100).round().astype(int).tolist(),
        "probability_tables": probability_tables, "percentile_tables": percentile_tables}}


def residuals(y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, Any]:
    """Histogram of ``y_true - y_pred``, with its mean and standard deviation."""
    r = np.asarray(y_true, dtype=float) - np.asarray(y_pred, dtype=float)
    r = r[np.isfinite(r)]
    counts, edges = np.histogram(r, bins=N_BINS) if r.size else (np.zeros(0), np.zeros(0))
    return {"schema_type": "residuals", "data": {
        "bin_edges": edges.tolist(), "bin_counts": np.asarray(counts, dtype=int).tolist(),
        "mean": float(r.mean()) if r.size else None, "stddev": float(r.std()) if r.size else None,
        "res_count": int(r.size)}}


def predicted_true(y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, Any]:
    """Mean and spread of the predictions in bins of the true value."""
    y = np.asarray(y_true, dtype=float)
    p = np.asarray(y_pred, dtype=float)
    ok = np.isfinite(y) & np.isfinite(p)
    y, p = y[ok], p[ok]
    if not y.size:
        return {"schema_type": "predictions", "data": {"bin_edges": [], "bin_counts": [],
                                                        "bin_averages": [], "bin_errors": []}}
    edges = np.histogram_bin_edges(y, bins=N_BINS)
    which = np.clip(np.searchsorted(edges, y, side="right") - 1, 0, N_BINS - 1)
    counts = np.bincount(which, minlength=N_BINS)
    sums = np.bincount(which, weights=p, minlength=N_BINS)
    squares = np.bincount(which, weights=p * p, minlength=N_BINS)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(counts > 0, sums / counts, np.nan)
        spread = np.sqrt(np.maximum(np.where(counts > 0, squares / counts, np.nan) - means ** 2, 0))
    return {"schema_type": "predictions", "data": {
        "bin_edges": edges.tolist(), "bin_counts": counts.astype(int).tolist(),
        "bin_averages": [None if np.isnan(v) else float(v) for v in means],
        "bin_errors": [None if np.isnan(v) else float(v) for v in spread]}}


def chart_data(y_true: np.ndarray, prediction: np.ndarray, classes: np.ndarray | None) -> dict[str, dict[str, Any]]:
    """Every chart of the predictions, by artifact name: the confusion matrix and accuracy table of
    class probabilities (``classes`` given), the residuals and predicted-vs-true of values."""
    if classes is not None:
        proba = np.asarray(prediction, dtype=float).reshape(len(y_true), -1)
        return {"confusion_matrix": confusion_matrix(y_true, proba, classes),
                "accuracy_table": accuracy_table(y_true, proba, classes)}
    values = np.asarray(prediction, dtype=float).ravel()
    return {"residuals": residuals(y_true, values), "predicted_true": predicted_true(y_true, values)}
