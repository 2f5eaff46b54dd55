"""Train and score one tabular trial on the prepared folds (in a trial process)."""
from __future__ import annotations

import dataclasses
import time
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp
from sklearn.pipeline import Pipeline

from automl import metrics
from automl.algorithms import STOPPED_ATTRIBUTE, TooFewMembers, fit_pipeline, fitted_model_bytes, make_pipeline
from automl.core import CANCELED, COMPLETED, FAILED, TrialData, TrialResult, TrialSpec
from automl.tasks.tabular._featurized_size import array_bytes

if TYPE_CHECKING:
    from automl.tasks.tabular._tabular_tasks import TabularTask

__all__ = ["PAST_ALLOWANCE", "TooSlow", "align_classes", "build_model", "check_pace", "check_stopped_at_pace",
           "evaluate_trial", "fit_model", "pace_deadline", "trial_memory_bytes"]

#: A learner that cannot grow member by member (``Algorithm.grows`` is None) is stopped after its
#: first fold when its folds would take more than this many times the trial's allowance
#: (``TrialSpec.max_seconds``), as AutoGluon skips a model whose first fold says that the rest
#: will not fit its time limit. The margin keeps the boosters, which run a little past the
#: allowance at times, and stops learners that would hold a slot for several trials' time.
PAST_ALLOWANCE = 2.0


class TooSlow(RuntimeError):
    """The first fold says the trial's folds would take far longer than its allowance."""


def _judged_by_pace(spec: TrialSpec, n_folds: int) -> bool:
    """Whether ``spec``'s first fold may stop it for its pace (:func:`check_pace`)."""
    return not spec.algorithm.grows and spec.stop_when_slow and bool(spec.max_seconds) and n_folds >= 2


def check_pace(spec: TrialSpec, first_fold_seconds: float, n_folds: int) -> None:
    """Raise :class:`TooSlow` when ``spec`` may be stopped for its pace and its ``n_folds`` folds
    would take more than :data:`PAST_ALLOWANCE` times its allowance, judged by its first fold."""
    if not _judged_by_pace(spec, n_folds):
        return
    expected = first_fold_seconds * n_folds
    if expected > PAST_ALLOWANCE * spec.max_seconds:
        raise TooSlow(f"its first fold took {first_fold_seconds:.1f} s, so its {n_folds} folds would take about "
                      f"{expected:.0f} s, more than {PAST_ALLOWANCE:g}x the {spec.max_seconds:.1f} s a trial may take")


def pace_deadline(spec: TrialSpec, n_folds: int) -> float | None:
    """When the fit of ``spec``'s first fold may be stopped (a ``time.monotonic()``; None: never): once it has
    run :data:`PAST_ALLOWANCE` times the allowance's share of one fold, :func:`check_pace` would skip the
    trial after it anyway. A booster stopped there (its deadline hook) is skipped at once: credit_g's search
    spent 2-8 s a fold on CatBoost configurations of depth 7-10 that were skipped after it."""
    if not _judged_by_pace(spec, n_folds):
        return None
    return time.monotonic() + PAST_ALLOWANCE * spec.max_seconds / n_folds


def check_stopped_at_pace(spec: TrialSpec, model: Pipeline, seconds: float, n_folds: int) -> None:
    """Raise :class:`TooSlow` when the fit of ``model`` was stopped at its :func:`pace_deadline` (its estimator
    says how many iterations it holds) after ``seconds``."""
    iterations = getattr(model[-1], STOPPED_ATTRIBUTE, None)
    if iterations is not None:
        raise TooSlow(f"its first fold was stopped after {seconds:.1f} s, at iteration {iterations}: its {n_folds} "
                      f"folds would take more than {PAST_ALLOWANCE:g}x the {spec.max_seconds:.1f} s a trial may take")


def build_model(spec: TrialSpec, n_jobs: int = 1, *, n_rows: int | None = None, n_values: int = 1) -> Pipeline:
    """The per-trial model: the algorithm's scaler, then the estimator (sized for ``n_rows`` rows)."""
    return make_pipeline(spec.algorithm, spec.params, n_jobs, n_rows=n_rows, n_values=n_values)


def fit_model(model: Pipeline, spec: TrialSpec, X: Any, y: np.ndarray, w: np.ndarray | None,
              max_seconds: float | None = None, deadline: float | None = None) -> Pipeline:
    """Fit ``model`` with sample weights where the algorithm takes them (within ``max_seconds``
    for algorithms that grow member by member; stopped at ``deadline`` where the algorithm can be)."""
    return fit_pipeline(model, spec.algorithm, X, y, w, max_seconds=max_seconds, deadline=deadline)


def _members(model: Pipeline, spec: TrialSpec) -> int | None:
    """The members (trees) of ``model``'s estimator, for algorithms that grow; else None."""
    param = spec.algorithm.grows
    return int(model[-1].get_params()[param]) if param else None


def _fitted_params(model: Pipeline, spec: TrialSpec, n_rows: int, n_values: int) -> dict[str, Any]:
    """``spec.params`` with the members ``model`` fitted and the size caps its trees were grown under.

    The caps (``max_leaf_nodes``) were set for the members wanted; fewer members would otherwise
    get larger, slower trees at the refit than the ones the trial scored.
    """
    algorithm = spec.algorithm
    merged = {**algorithm.default_params, **spec.params}
    caps = {k: v for k, v in algorithm.sized_params(spec.params, n_rows, n_values).items() if merged.get(k) != v}
    caps.pop(algorithm.grows, None)
    return {**spec.params, **caps, algorithm.grows: _members(model, spec)}


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

    A trial that raises is returned with status ``Failed`` and the error; one whose learner grows
    too few trees in its allowance (:class:`~automl.algorithms.TooFewMembers`), or whose first
    fold says it would take far longer than its allowance (:func:`check_pace`), is ``Canceled``
    as skipped, with the reason. It never raises itself.
    """
    started = time.time()
    result = TrialResult(spec.iteration, spec.name, spec.algorithm.name, spec.algorithm.preprocessor,
                         dict(spec.params), COMPLETED, started_at=started)
    width = 1 if data.classes is None else len(data.classes)
    oof = np.full((data.n_pool, width), np.nan, dtype=np.float32)
    fold_scores, model = [], None
    try:
        for i, fold in enumerate(data.folds):
            if i == 1:
                check_pace(spec, time.time() - started, len(data.folds))
            model = build_model(spec, n_jobs, n_rows=fold.X_train.shape[0], n_values=width)
            wanted = _members(model, spec)
            # The first fold is fitted within its share of the allowance; the others fit as many members.
            allowance = spec.max_seconds / len(data.folds) if spec.max_seconds and i == 0 else None
            deadline = pace_deadline(spec, len(data.folds)) if i == 0 else None
            model = fit_model(model, spec, fold.X_train, fold.y_train, fold.w_train, max_seconds=allowance,
                              deadline=deadline)
            check_stopped_at_pace(spec, model, time.time() - started, len(data.folds))
            if allowance is not None and wanted is not None and _members(model, spec) < wanted:
                spec = dataclasses.replace(spec, params=_fitted_params(model, spec, fold.X_train.shape[0], width))
                result.params = dict(spec.params)  # what was fitted: the refit fits the same trees
            prediction = task.predict_folds(model, fold.X_valid, data.classes)
            fold_scores.append(metrics.score(fold.y_valid, prediction, classes=data.classes,
                                             positive_label=data.positive_label, y_min=data.y_min,
                                             y_max=data.y_max, sample_weight=fold.w_valid))
            oof[fold.valid_rows] = prediction.reshape(len(fold.valid_rows), width)
    except (TooFewMembers, TooSlow) as exc:
        result.status = CANCELED
        result.error = f"skipped: {exc}"
    except Exception as exc:  # a failing trial never fails the job
        result.status = FAILED
        result.error = f"{type(exc).__name__}: {exc}"
    else:
        result.metrics = metrics.average_scores(fold_scores)
        result.score = result.metrics.get(primary_metric, np.nan)
        rows = np.unique(np.concatenate([f.valid_rows for f in data.folds]))
        result.valid_rows = rows
        result.valid_predictions = oof[rows] if width > 1 else oof[rows, 0]
        result.model_bytes = fitted_model_bytes(model)
    result.duration_seconds = time.time() - started
    return result


def trial_memory_bytes(spec: TrialSpec, data: TrialData) -> int:
    """Bytes a trial holds at its peak: the largest fold's arrays as read, the learner's working copy
    (dense float64, or the sparse arrays for learners that take them), the fitted model and the
    out-of-fold predictions."""
    fold = max(data.folds, key=lambda f: f.X_train.shape[0])
    rows, features = fold.X_train.shape
    width = 1 if data.classes is None else len(data.classes)
    arrays = array_bytes(fold.X_train) + array_bytes(fold.X_valid)
    sparse = sp.issparse(fold.X_train) and spec.algorithm.accepts_sparse
    working = array_bytes(fold.X_train) if sparse else rows * features * 8
    model = spec.algorithm.model_bytes(spec.params, rows, width, features)
    return int(arrays + working + model + data.n_pool * width * 4)
