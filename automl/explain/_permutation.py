"""Permutation importance of raw columns: model-agnostic, so ensembles are explained too."""
from __future__ import annotations

import math
import time
from typing import Any

import numpy as np
import pandas as pd

from automl.explain._featurized_shuffles import FeaturizedShuffles, shuffled_frame
from automl.metrics import CLASSIFICATION_METRICS, REGRESSION_METRICS, Metric, fast_scorer, find_metric

__all__ = ["metric_prediction", "permutation_importance", "prediction_score", "scoring_metric", "shuffle_importance"]


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
                           seed: int = 0, deadline: float | None = None, featurize_once: bool = True,
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
    featurize_once : bool, default=True
        When ``model`` is a pipeline whose featurization reads each raw column on its own
        (checked, :class:`FeaturizedShuffles`), featurize the rows once and shuffle the
        engineered columns of each raw column: the same figures, without featurizing every
        shuffled copy. False featurizes every copy.
    **scoring
        ``classes``, ``positive_label`` (class probabilities), ``y_min``, ``y_max`` (values).

    Returns
    -------
    importance : DataFrame
        ``feature``, ``importance``, ``std``; most important first.
    baseline : float
        ``metric`` of the unshuffled rows.
    """
    shuffles = FeaturizedShuffles.of(model, X, seed) if featurize_once else None
    return shuffle_importance(model, X, y, shuffles, metric=metric, n_repeats=n_repeats, seed=seed,
                              deadline=deadline, **scoring)


def shuffle_importance(model: Any, X: pd.DataFrame, y: Any, shuffles: FeaturizedShuffles | None, *,
                       metric: Metric | str, n_repeats: int = 3, seed: int = 0, deadline: float | None = None,
                       **scoring: Any) -> tuple[pd.DataFrame, float]:
    """:func:`permutation_importance` with the shuffles given: ``shuffles`` (of ``X``, for ``model``)
    predicted by its ``tail``, or, when None, copies of ``X`` predicted by ``model``."""
    y = np.asarray(y)
    predictor = model if shuffles is None else shuffles.tail
    scorer = _BlockScorer(predictor, scoring_metric(metric, model, scoring.get("classes")), y, **scoring)
    baseline = scorer.score_rows(X if shuffles is None else shuffles.rows)
    rng = np.random.default_rng(seed)
    rows = []
    for column in X.columns:
        if deadline is not None and time.perf_counter() > deadline:
            rows.append({"feature": str(column), "importance": math.nan, "std": math.nan})
            continue
        permutations = [rng.permutation(len(X)) for _ in range(n_repeats)]
        stacked = (shuffled_frame(X, column, permutations) if shuffles is None
                   else shuffles.stacked(column, permutations))
        drops = baseline - scorer.score_blocks(stacked, n_repeats)
        drops = drops[np.isfinite(drops)]
        rows.append({"feature": str(column),
                     "importance": float(drops.mean()) if drops.size else math.nan,
                     "std": float(drops.std()) if drops.size else math.nan})
    frame = pd.DataFrame(rows, columns=["feature", "importance", "std"])
    order = np.argsort(-np.nan_to_num(frame["importance"].to_numpy(), nan=-np.inf), kind="stable")
    return frame.iloc[order].reset_index(drop=True), scorer.sign * baseline


def metric_prediction(model: Any, metric: Metric, X: Any) -> np.ndarray:
    """What ``metric`` scores of ``model`` on ``X`` (raw or featurized rows): class probabilities, or values as a flat array."""
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

    def predict(self, X: Any) -> np.ndarray:
        return metric_prediction(self.model, self.metric, X)

    def score_prediction(self, prediction: np.ndarray) -> float:
        if self.fast is not None:
            value = self.fast(prediction)
            if math.isfinite(value):  # else the metric's own rule (its worst value for non-finite input)
                return self.sign * value
        value = self.metric.value(self.y, prediction, classes=self.classes, positive_label=self.positive_label,
                                  y_min=self.y_min, y_max=self.y_max)
        return self.sign * float(value)

    def score_rows(self, X: Any) -> float:
        return self.score_prediction(self.predict(X))

    def score_blocks(self, stacked: Any, n_repeats: int) -> np.ndarray:
        n, out = len(self.y), self.predict(stacked)
        return np.array([self.score_prediction(out[i * n:(i + 1) * n]) for i in range(n_repeats)])
