"""Class balancing: apply class weights when a quick check shows they help.

Azure's ``Class balancing detection`` guardrail alerts when the smallest class
has at most 20% of the largest class's rows, and reports ``Done`` when AutoML
applies class weights because a quick experiment showed they help. The check
here trains a small LightGBM on the first fold with and without balanced
weights and compares the primary metric on that fold's validation rows.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from lightgbm import LGBMClassifier

from automl import metrics
from automl.metrics import Metric

#: Imbalanced when the smallest class has at most this share of the largest class's rows.
IMBALANCE_RATIO = 0.2
#: The weighted model must beat the unweighted one by this much (in the metric's units).
MIN_GAIN = 0.002


def is_imbalanced(y: np.ndarray) -> bool:
    """Azure's rule: smallest class count <= 20% of the largest."""
    _, counts = np.unique(y, return_counts=True)
    return len(counts) > 1 and counts.min() <= IMBALANCE_RATIO * counts.max()


def balanced_weights(y: np.ndarray) -> dict:
    """``n / (k * count)`` per class, as scikit-learn's ``class_weight="balanced"``."""
    classes, counts = np.unique(y, return_counts=True)
    return {c: len(y) / (len(classes) * n) for c, n in zip(classes.tolist(), counts.tolist())}


def row_weights(y: np.ndarray, class_weights: dict) -> np.ndarray:
    """Per-row weights of ``class_weights``."""
    return np.array([class_weights[v] for v in np.asarray(y).tolist()], dtype=float)


def class_weights_help(fold: Any, classes: np.ndarray, metric: Metric, positive_label: Any = None,
                       seed: int = 0) -> bool:
    """Whether balanced class weights improve ``metric`` on one fold (a ``FoldData``)."""
    weights = balanced_weights(fold.y_train)
    base = fold.w_train if fold.w_train is not None else np.ones(len(fold.y_train))
    scores = []
    for w in (base, base * row_weights(fold.y_train, weights)):
        model = LGBMClassifier(n_estimators=60, num_leaves=15, random_state=seed, verbose=-1, n_jobs=1)
        model.fit(fold.X_train, fold.y_train, sample_weight=w)
        proba = np.zeros((len(fold.y_valid), len(classes)))
        position = {c: i for i, c in enumerate(classes.tolist())}
        for j, c in enumerate(model.classes_.tolist()):
            proba[:, position[c]] = model.predict_proba(fold.X_valid)[:, j]
        scored = metrics.score_classification(fold.y_valid, proba, classes, sample_weight=fold.w_valid,
                                              positive_label=positive_label)
        scores.append(scored[metric.name])
    unweighted, weighted = scores
    gain = (weighted - unweighted) * (1 if metric.greater_is_better else -1)
    return bool(gain > MIN_GAIN)
