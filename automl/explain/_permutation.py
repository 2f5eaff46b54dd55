"""Permutation importance of raw columns: model-agnostic, so ensembles are explained too."""
from __future__ import annotations

import math
import time
from typing import Any

import numpy as np
import pandas as pd

from automl.metrics import CLASSIFICATION_METRICS, REGRESSION_METRICS, Metric, fast_scorer, find_metric

__all__ = ["metric_prediction", "permutation_importance", "prediction_score", "scoring_metric"]


def _shuffled(X: pd.DataFrame, column: Any, rng: np.random.Generator, n_repeats: int) -> pd.DataFrame:
    """``n_repeats`` copies of ``X`` stacked, ``column`` shuffled independently in each."""
    stacked = pd.concat([X] * n_repeats, ignore_index=True)
    # Shuffled as a Series, so the column keeps its dtype (categorical, datetime, nullable).
    stacked[column] = pd.concat([X[column].iloc[rng.permutation(len(X))] for _ in range(n_repeats)],
                                ignore_index=True)
    return stacked


def scoring_metric(metric: Metric | str, model: Any, classes: Any = None) -> Metric:
    """``metric`` as a :class:`~automl.metrics.Metric`: a name is looked up among the classification
    metrics when the model predicts classes (``classes`` given, or ``model.classes_``), else among the
    regression metrics."""
    if isinstance(metric, Metric):
        return metric
    if classes is not None or hasattr(model, "classes_"):
        return find_metric(metric, CLASSIFICATION_METRICS, what="classification metric")
    return find_metric(metric, REGRESSION_METRICS, what="regression metric")


def permutation_importance(model: Any, X: pd.DataFrame, y: Any, *, metric: Metric | str, n_repeats: int = 3,
                           seed: int = 0, deadline: float | None = None,
                           **scoring: Any) -> tuple[pd.DataFrame, float]:
    """Mean drop of ``metric`` when each raw column of ``X`` is shuffled.

    Parameters
    ----------
    model : estimator
        Fitted; takes raw rows (``result.best_model``, ensembles included).
    X : DataFrame
        Raw validation rows.
    y : array-like
        Their target.
    metric : Metric or str
        The metric shuffles are scored with (the job's primary metric). A class-probability
        metric scores ``predict_proba``, the others ``predict``.
    n_repeats : int, default=3
        Shuffles per column; the repeats of one column are predicted in one call.
    seed : int, default=0
    deadline : float, optional
        ``time.perf_counter()`` value after which no further column is shuffled: the
        columns left get NaN importance.
    **scoring
        ``classes``, ``positive_label`` (class probabilities), ``y_min``, ``y_max`` (values).

    Returns
    -------
    importance : DataFrame
        ``feature``, ``importance``, ``std``; most important first.
    baseline : float
        ``metric`` of the unshuffled rows.
    """
    y = np.asarray(y)
    scorer = _BlockScorer(model, scoring_metric(metric, model, scoring.get("classes")), y, **scoring)
    baseline = scorer.score_rows(X)
    rng = np.random.default_rng(seed)
    rows = []
    for column in X.columns:
        if deadline is not None and time.perf_counter() > deadline:
            rows.append({"feature": str(column), "importance": math.nan, "std": math.nan})
            continue
        drops = baseline - scorer.score_blocks(_shuffled(X, column, rng, n_repeats), n_repeats)
        drops = drops[np.isfinite(drops)]
        rows.append({"feature": str(column),
                     "importance": float(drops.mean()) if drops.size else math.nan,
                     "std": float(drops.std()) if drops.size else math.nan})
    frame = pd.DataFrame(rows, columns=["feature", "importance", "std"])
    order = np.argsort(-np.nan_to_num(frame["importance"].to_numpy(), nan=-np.inf), kind="stable")
    return frame.iloc[order].reset_index(drop=True), scorer.sign * baseline


def metric_prediction(model: Any, metric: Metric, X: pd.DataFrame) -> np.ndarray:
    """What ``metric`` scores of ``model`` on ``X``: class probabilities, or values as a flat array."""
    if metric.probabilities:
        return np.asarray(model.predict_proba(X), dtype=float)
    return np.asarray(model.predict(X), dtype=float).ravel()


def prediction_score(model: Any, metric: Metric, prediction: np.ndarray, y: Any, **scoring: Any) -> float:
    """``metric`` of ``model``'s ``prediction`` (probabilities or values, as ``metric`` scores them)
    against ``y``, as :func:`permutation_importance` reports its baseline."""
    scorer = _BlockScorer(model, metric, np.asarray(y), **scoring)
    return scorer.sign * scorer.score_prediction(np.asarray(prediction, dtype=float))


class _BlockScorer:
    """Scores predictions of a model of the fixed target ``y`` with one metric (sign-adjusted: higher is
    better); through the metric's lean scorer when it has one (AUC, accuracy), as ensemble selection does."""

    def __init__(self, model: Any, metric: Metric, y: np.ndarray, *, classes: Any = None,
                 positive_label: Any = None, y_min: float | None = None, y_max: float | None = None):
        self.model, self.metric = model, metric
        self.sign = 1.0 if metric.greater_is_better else -1.0
        self.classes = None if not metric.probabilities else np.asarray(
            model.classes_ if classes is None else classes)
        self.y = y if metric.probabilities else np.asarray(y, dtype=float)
        self.fast = fast_scorer(metric, y, self.classes) if metric.probabilities else None
        self.positive_label, self.y_min, self.y_max = positive_label, y_min, y_max

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        return metric_prediction(self.model, self.metric, X)

    def score_prediction(self, prediction: np.ndarray) -> float:
        if self.fast is not None:
            value = self.fast(prediction)
            if math.isfinite(value):  # else the metric's own rule (its worst value for non-finite input)
                return self.sign * value
        value = self.metric.value(self.y, prediction, classes=self.classes, positive_label=self.positive_label,
                                  y_min=self.y_min, y_max=self.y_max)
        return self.sign * float(value)

    def score_rows(self, X: pd.DataFrame) -> float:
        return self.score_prediction(self.predict(X))

    def score_blocks(self, stacked: pd.DataFrame, n_repeats: int) -> np.ndarray:
        n, out = len(self.y), self.predict(stacked)
        return np.array([self.score_prediction(out[i * n:(i + 1) * n]) for i in range(n_repeats)])
