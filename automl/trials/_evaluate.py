"""Train and score one trial on the prepared folds."""
from __future__ import annotations

import time
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from automl import metrics
from automl.trials._trial import COMPLETED, FAILED, TrialData, TrialResult, TrialSpec


def to_dense(X: Any) -> Any:
    """Sparse matrices as dense arrays, for estimators that take only dense input."""
    return X.toarray() if sp.issparse(X) else X


def build_model(spec: TrialSpec, n_jobs: int = 1) -> Pipeline:
    """The per-trial model: the algorithm's scaler, then the estimator."""
    algorithm = spec.algorithm
    steps = [] if algorithm.accepts_sparse else [
        ("densify", FunctionTransformer(to_dense, accept_sparse=True))]
    return Pipeline([*steps, ("preprocessor", algorithm.make_preprocessor()),
                     ("estimator", algorithm.make_estimator(spec.params, n_jobs=n_jobs))])


def fit_model(model: Pipeline, spec: TrialSpec, X: Any, y: np.ndarray, w: np.ndarray | None) -> Pipeline:
    """Fit ``model`` with sample weights where the algorithm takes them."""
    fit_params = {}
    if w is not None and spec.algorithm.supports_sample_weight:
        fit_params["estimator__sample_weight"] = w
    return model.fit(X, y, **fit_params)


def predict_scores(model: Pipeline, X: Any, task: str) -> np.ndarray:
    """Probabilities (classification) or values (regression) of ``model`` on ``X``."""
    if task == "classification":
        return np.asarray(model.predict_proba(X), dtype=float)
    return np.asarray(model.predict(X), dtype=float)


def _fold_scores(data: TrialData, y_true: np.ndarray, prediction: np.ndarray,
                 classes: np.ndarray | None, w: np.ndarray | None) -> dict[str, float]:
    if data.task == "classification":
        proba = _align_classes(prediction, classes, data.classes)
        return metrics.score_classification(y_true, proba, data.classes, sample_weight=w,
                                            positive_label=data.positive_label)
    return metrics.score_regression(y_true, prediction, y_min=data.y_min, y_max=data.y_max,
                                    sample_weight=w)


def _align_classes(proba: np.ndarray, fitted: np.ndarray, all_classes: np.ndarray) -> np.ndarray:
    """Put the columns of ``proba`` (for ``fitted`` classes) in ``all_classes`` order."""
    if len(fitted) == len(all_classes) and np.array_equal(fitted, all_classes):
        return proba
    aligned = np.zeros((proba.shape[0], len(all_classes)))
    position = {c: i for i, c in enumerate(all_classes.tolist())}
    for j, c in enumerate(fitted.tolist()):
        aligned[:, position[c]] = proba[:, j]
    return aligned


def evaluate_trial(spec: TrialSpec, data: TrialData, primary_metric: str,
                   n_jobs: int = 1) -> TrialResult:
    """Fit ``spec`` on every fold, score it, keep its validation predictions.

    A trial that raises is returned with status ``Failed`` and the error; it
    never raises itself.
    """
    if data.task == "forecasting":  # rolling-origin folds of whole series: automl.forecasting scores them
        from automl.forecasting import evaluate_forecast_trial

        return evaluate_forecast_trial(spec, data, primary_metric, n_jobs)
    started = time.time()
    result = TrialResult(spec.iteration, spec.name, spec.algorithm.name, spec.algorithm.preprocessor,
                         dict(spec.params), COMPLETED, started_at=started)
    n_pool = data.n_pool
    width = len(data.classes) if data.task == "classification" else 1
    oof = np.full((n_pool, width), np.nan, dtype=np.float32)
    fold_scores = []
    try:
        for fold in data.folds:
            model = fit_model(build_model(spec, n_jobs), spec, fold.X_train, fold.y_train, fold.w_train)
            prediction = predict_scores(model, fold.X_valid, data.task)
            classes = getattr(model, "classes_", None)
            scores = _fold_scores(data, fold.y_valid, prediction, classes, fold.w_valid)
            fold_scores.append(scores)
            if data.task == "classification":
                prediction = _align_classes(prediction, classes, data.classes)
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
