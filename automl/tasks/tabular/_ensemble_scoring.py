"""Ensemble candidates and how an ensemble's validation predictions are scored.

Trials are scored fold by fold and their metrics averaged over folds; an
ensemble is scored the same way, on the validation rows all its members share,
with the job's sample weights, positive label and training-target range. A
single member's score computed here therefore equals its trial score (up to
the float32 rounding of the kept predictions).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import reduce
from typing import TYPE_CHECKING

import numpy as np

from automl import metrics
from automl.core import TrialResult
from automl.ensembles import MAXIMUM_MODELS_FOR_SELECTION
from automl.metrics import Metric, fast_scorer

if TYPE_CHECKING:
    from automl.tasks.tabular._prepare import TabularData


@dataclass
class Candidates:
    """The trials an ensemble may use, and their predictions on shared rows.

    Attributes
    ----------
    trials : list of TrialResult
        Best first.
    rows : ndarray
        Pool rows every candidate has a validation prediction for (sorted).
    predictions : list of ndarray
        Each trial's validation predictions on ``rows``, float64.
    """

    trials: list[TrialResult]
    rows: np.ndarray
    predictions: list[np.ndarray]


def _usable(trial: TrialResult) -> bool:
    return (trial.succeeded and trial.ensemble is None and trial.valid_predictions is not None
            and trial.valid_rows is not None and len(trial.valid_rows) > 0)


def _on_rows(trial: TrialResult, rows: np.ndarray) -> np.ndarray:
    """``trial``'s validation predictions of the pool rows ``rows``."""
    own = np.asarray(trial.valid_rows)
    order = np.argsort(own, kind="stable")
    positions = order[np.searchsorted(own, rows, sorter=order)]
    return np.asarray(trial.valid_predictions, dtype=float)[positions]


def gather_candidates(trials: list[TrialResult], metric: Metric,
                      limit: int = MAXIMUM_MODELS_FOR_SELECTION) -> Candidates:
    """The top ``limit`` completed, non-ensemble trials with finite validation predictions."""
    key = metrics.sort_key(metric)
    usable = sorted((t for t in trials if _usable(t)), key=lambda t: key(t.score))
    usable = [t for t in usable if np.isfinite(np.asarray(t.valid_predictions, dtype=float)).all()]
    shapes = {np.asarray(t.valid_predictions).shape[1:] for t in usable}
    if len(shapes) > 1:  # should not happen: every trial predicts the same classes
        first = np.asarray(usable[0].valid_predictions).shape[1:]
        usable = [t for t in usable if np.asarray(t.valid_predictions).shape[1:] == first]
    usable = usable[:limit]
    if not usable:
        return Candidates([], np.array([], dtype=int), [])
    rows = reduce(np.intersect1d, [np.unique(t.valid_rows) for t in usable])
    return Candidates(usable, rows, [_on_rows(t, rows) for t in usable])


class ValidationScorer:
    """Scores predictions of the pool rows ``rows`` like a trial: per fold, then averaged.

    Parameters
    ----------
    prepared : TabularData
        Target, weights, classes, positive label, target range and folds.
    rows : ndarray
        The pool rows the predictions are for.
    metric : Metric
        The job's primary metric.
    """

    def __init__(self, prepared: TabularData, rows: np.ndarray, metric: Metric):
        self.prepared = prepared
        self.rows = np.asarray(rows)
        self.metric = metric
        self.y = prepared.y[self.rows]
        self.w = None if prepared.sample_weight is None else prepared.sample_weight[self.rows]
        self.parts = self._fold_parts()
        self._fast = [fast_scorer(metric, self.y[part], prepared.classes, None if self.w is None else self.w[part])
                      for part in self.parts]

    def _fold_parts(self) -> list[np.ndarray]:
        """Positions in ``rows`` of each fold's validation rows (empty folds dropped)."""
        position = np.full(len(self.prepared.y), -1)
        position[self.rows] = np.arange(len(self.rows))
        parts = [position[np.asarray(f.valid_rows)] for f in self.prepared.folds]
        parts = [p[p >= 0] for p in parts]
        return [p for p in parts if len(p)] or [np.arange(len(self.rows))]

    @property
    def greater_is_better(self) -> bool:
        """Direction of the primary metric."""
        return self.metric.greater_is_better

    def _scoring(self, part: np.ndarray) -> dict:
        """What scoring the rows ``part`` needs besides the target and the prediction."""
        p = self.prepared
        return {"classes": p.classes, "positive_label": p.positive_label, "y_min": p.y_min, "y_max": p.y_max,
                "sample_weight": None if self.w is None else self.w[part]}

    def primary(self, y: np.ndarray, prediction: np.ndarray) -> float:
        """The primary metric, averaged over folds (NaN folds ignored); ``score_fn`` of selection."""
        if y is self.y and all(f is not None for f in self._fast):  # the lean path of selection
            values = [fast(prediction[part]) for fast, part in zip(self._fast, self.parts)]
        else:
            values = [self.metric.value(y[part], prediction[part], **self._scoring(part)) for part in self.parts]
        finite = [v for v in values if not math.isnan(v)]
        return math.fsum(finite) / len(finite) if finite else math.nan

    def all_metrics(self, prediction: np.ndarray) -> dict[str, float]:
        """Every metric of the task, averaged over folds, like a trial's ``metrics``."""
        return metrics.average_scores([metrics.score(self.y[part], prediction[part], **self._scoring(part))
                                       for part in self.parts])
