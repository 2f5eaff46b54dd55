"""Train and score one tabular trial on the prepared folds (in a trial process)."""
from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.pipeline import Pipeline

from automl import metrics
from automl.algorithms import fit_pipeline, make_pipeline
from automl.core import COMPLETED, FAILED, TrialData, TrialResult, TrialSpec

if TYPE_CHECKING:
    from automl.tasks.tabular._tabular_tasks import TabularTask

__all__ = ["align_classes", "build_model", "evaluate_trial", "fit_model"]


def build_model(spec: TrialSpec, n_jobs: int = 1) -> Pipeline:
    """The per-trial model: the algorithm's scaler, then the estimator."""
    return make_pipeline(spec.algorithm, spec.params, n_jobs)


def fit_model(model: Pipeline, spec: TrialSpec, X: Any, y: np.ndarray, w: np.ndarray | None) -> Pipeline:
    """Fit ``model`` with sample weights where the algorithm takes them."""
    return fit_pipeline(model, spec.algorithm, X, y, w)


def align_classes(proba: np.ndarray, fitted: np.ndarray, all_classes: np.ndarray) -> np.ndarray:
    """Put the columns of ``proba`` (for ``fitted`` classes) in ``all_classes`` order."""
    if len(fitted) == len(all_classes) and np.array_equal(fitted, all_classes):
        return proba
    aligned = np.zeros((proba.shape[0], len(all_classes)))
    position = {c: i for i, c in enumerate(all_classes.tolist())}
    for j, c in enumerate(fitted.tolist()):
        aligned[:, position[c]] = proba[:, j]
    return aligned


def evaluate_trial(task: TabularTask, spec: TrialSpec, data: TrialData, primary_metric: str,
                   n_jobs: int = 1) -> TrialResult:
    """Fit ``spec`` on every fold, score it, keep its validation predictions.

    A trial that raises is returned with status ``Failed`` and the error; it
    never raises itself.
    """
    started = time.time()
    result = TrialResult(spec.iteration, spec.name, spec.algorithm.name, spec.algorithm.preprocessor,
                         dict(spec.params), COMPLETED, started_at=started)
    width = 1 if data.classes is None else len(data.classes)
    oof = np.full((data.n_pool, width), np.nan, dtype=np.float32)
    fold_scores = []
    try:
        for fold in data.folds:
            model = fit_model(build_model(spec, n_jobs), spec, fold.X_train, fold.y_train, fold.w_train)
            prediction = task.predict_folds(model, fold.X_valid, data.classes)
            fold_scores.append(metrics.score(fold.y_valid, prediction, classes=data.classes,
                                             positive_label=data.positive_label, y_min=data.y_min,
                                             y_max=data.y_max, sample_weight=fold.w_valid))
            oof[fold.valid_rows] = prediction.reshape(len(fold.valid_rows), width)
    except Exception as exc:  # a failing trial never fails the job
        result.status = FAILED
        result.error = f"{type(exc).__name__}: {exc}"
    else:
        result.metrics = metrics.average_scores(fold_scores)
        result.score = result.metrics.get(primary_metric, np.nan)
        rows = np.unique(np.concatenate([f.valid_rows for f in data.folds]))
        result.valid_rows = rows
        result.valid_predictions = oof[rows] if width > 1 else oof[rows, 0]
    result.duration_seconds = time.time() - started
    return result
