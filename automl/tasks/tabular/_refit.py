"""The final model of a tabular trial, behind the featurization fitted on all training rows.

A single trial becomes ``ScoringPipeline([("datatransformer", ...), <its scaler and estimator>])``
when refit on all rows, or ``ScoringPipeline([("datatransformer", ...), ("bag", <vote of its fold models>)])``
as a bag (:mod:`._bagging`); an ensemble trial fits its members (several at a time, on threads) and
assembles them into a voting or stack estimator behind the same ``datatransformer``.
"""
from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING, Callable

import numpy as np
from sklearn.ensemble import VotingClassifier, VotingRegressor
from sklearn.pipeline import Pipeline

from automl.algorithms import STOPPED_ATTRIBUTE, ScoringPipeline
from automl.core import RETURN_SECONDS, PastDeadline, TrialResult, TrialSpec, run_by
from automl.ensembles import (
    StackEnsembleSpec,
    VotingEnsembleSpec,
    make_stack_ensemble,
    make_voting_ensemble,
    member_name,
)
from automl.tasks._task import REFIT_MARGIN
from automl.tasks.tabular._bagging import BAG, bag_rows, bag_seconds, validated_folds
from automl.tasks.tabular._trial import build_model, fit_model

if TYPE_CHECKING:
    from automl.tasks.tabular._prepare import TabularData

__all__ = ["final_fit_seconds", "refit_ensemble", "refit_factor", "refit_members", "refit_seconds", "refit_steps", "refit_threads",
           "refit_trial", "refit_workers"]

#: The share of the rows a train/validation split trains on (a k-fold trial fits on (k-1)/k of them).
HOLDOUT_TRAIN_SHARE = 0.9
#: Raw cells (rows x columns) from which the final refit uses every core.
PARALLEL_REFIT_CELLS = 200_000


def refit_threads(prepared: TabularData) -> int:
    """Threads for the final refit: every core for large data, one for small.

    On a few thousand rows the boosters' OpenMP threads cost more in
    synchronisation than they save (LightGBM on titanic: 0.04 s on one thread,
    seconds on two of a busy machine), and the refit model keeps the setting
    for its predictions, where single rows suffer the same way.
    """
    cells = prepared.n_train_rows * max(1, len(prepared.X.columns))
    return (os.cpu_count() or 1) if cells >= PARALLEL_REFIT_CELLS else 1


def refit_workers() -> int:
    """Ensemble members refit at the same time: one per core."""
    return os.cpu_count() or 1


def refit_factor(n_folds: int) -> float:
    """A refit on all rows over one fold of a trial: the ratio of their rows, plus a margin."""
    rows = n_folds / (n_folds - 1) if n_folds > 1 else 1 / HOLDOUT_TRAIN_SHARE
    return REFIT_MARGIN * rows


def final_fit_seconds(members: list[TrialResult], prepared: TabularData, workers: int = 1) -> float:
    """Seconds the final model of ``members`` should take: a bag (:func:`bag_seconds`) or a refit."""
    n_folds = prepared.validation.n_folds
    if prepared.final_model == BAG:
        return bag_seconds(members, n_folds, workers)
    return refit_seconds(members, n_folds, workers)


def refit_seconds(members: list[TrialResult], n_folds: int, workers: int = 1) -> float:
    """Seconds a refit of ``members`` on all rows should take: one fold of each, scaled up.

    Members refit ``workers`` at a time: the estimate is their total over ``workers``,
    and at least the slowest member.
    """
    folds = [m.duration_seconds / max(1, n_folds) for m in members]
    return refit_factor(n_folds) * max(sum(folds) / max(1, workers), max(folds, default=0.0))


def refit_steps(trial: TrialResult, prepared: TabularData, n_jobs: int = 1,
                rows: np.ndarray | None = None, deadline: float | None = None) -> Pipeline:
    """``trial``'s scaler and estimator fitted on the featurized training rows (``rows`` of them:
    positions in ``X_refit``, for one fold of a bag; all of them by default), stopped at ``deadline``
    where its algorithm can be (:func:`~automl.algorithms.fit_pipeline`)."""
    algorithm = prepared.task.algorithms[trial.algorithm]
    spec = TrialSpec(trial.iteration, trial.name, algorithm, trial.params)
    X, y, w = prepared.refit_arrays()
    if rows is not None:
        X, y, w = X[rows], y[rows], None if w is None else w[rows]
    n_values = 1 if prepared.classes is None else len(prepared.classes)
    return fit_model(build_model(spec, n_jobs, n_rows=X.shape[0], n_values=n_values), spec, X, y, w,
                     deadline=deadline)


def _bag(folds: dict[int, Pipeline], prepared: TabularData) -> Pipeline | VotingClassifier | VotingRegressor:
    """The fold models of one trial (by fold index) as one soft vote with equal weights (the model
    itself, for one)."""
    if len(folds) == 1:
        return next(iter(folds.values()))
    return make_voting_ensemble([(f"fold_{i}", model) for i, model in folds.items()],
                                np.full(len(folds), 1.0 / len(folds)), classes=prepared.classes)


def refit_members(members: list[TrialResult], prepared: TabularData, n_jobs: int = 1, workers: int = 1,
                  deadline: float | None = None) -> list[Pipeline | VotingClassifier | VotingRegressor | None]:
    """The final model of every member: :func:`refit_steps` on all rows, or under
    ``prepared.final_model == "bag"`` one per fold, averaged (:mod:`._bagging`).

    The fits run ``workers`` at a time on threads: the learners fit in native code that releases
    the GIL, so threads use the cores without copying the data; each fit gets
    ``n_jobs // workers`` threads. At ``deadline`` (a ``time.monotonic()``) a booster ends its boosting
    with the iterations it has (:func:`~automl.algorithms.fit_pipeline`); a fit that has not returned
    :data:`~automl.core.RETURN_SECONDS` later is left behind (:func:`~automl.core.run_by`): a bag goes
    without that fold, and a member none of whose fits returned is None.
    """
    folds = bag_rows(prepared) if prepared.final_model == BAG else None
    parts: list[np.ndarray | None] = folds if folds is not None else [None]
    units = [(member, rows) for member in members for rows in parts]
    workers = max(1, min(workers, len(units)))
    per_unit = max(1, n_jobs // workers)

    def fit(member: TrialResult, rows: np.ndarray | None) -> Callable[[], Pipeline]:
        return lambda: refit_steps(member, prepared, per_unit, rows, deadline)

    fitted = run_by([fit(*unit) for unit in units], _returned_by(deadline), workers, name="automl-refit")
    if folds is None:
        return _returned(fitted)
    k = len(parts)
    return [_checked_bag(member, fitted[i * k:(i + 1) * k], prepared, n_jobs, deadline)
            for i, member in enumerate(members)]


def _returned(fitted: list[Pipeline | PastDeadline]) -> list[Pipeline | None]:
    """The fitted models of :func:`~automl.core.run_by`, None for those that had not returned."""
    return [None if isinstance(model, PastDeadline) else model for model in fitted]


def _returned_by(deadline: float | None) -> float | None:
    """When fits stopped at ``deadline`` have returned."""
    return None if deadline is None else deadline + RETURN_SECONDS


def _checked_bag(member: TrialResult, folds: list[Pipeline | PastDeadline], prepared: TabularData, n_jobs: int,
                 deadline: float | None) -> Pipeline | VotingClassifier | VotingRegressor | None:
    """The bag of ``member``'s fold models that returned by ``deadline`` and passed :func:`validated_folds`;
    a refit on all rows when none passed (all that returned when ``deadline`` has passed), None when none
    returned. What was left out is added to ``prepared.final_model_reason``."""
    returned = _returned(folds)
    late = [str(i) for i, model in enumerate(returned) if model is None]
    if late:
        prepared.final_model_reason += (f"; the model(s) of fold(s) {', '.join(late)} of {member.name} left out: "
                                        "not fitted by the job's limit")
    if len(late) == len(folds):
        return None
    kept, note = validated_folds(member, returned, prepared)
    if note is not None:
        prepared.final_model_reason += f"; {note}"
    if not kept and deadline is not None and time.monotonic() >= deadline:  # no time for a refit on all rows
        kept = [i for i, model in enumerate(returned) if model is not None]
        prepared.final_model_reason += f" (kept: no time was left to refit {member.name} on all training rows)"
    if kept:
        return _bag({i: returned[i] for i in kept}, prepared)
    prepared.final_model_reason += f" ({member.name} refit on all training rows instead)"
    (model,) = _returned(run_by([lambda: refit_steps(member, prepared, n_jobs, deadline=deadline)],
                                _returned_by(deadline), name="automl-refit"))
    return model


def refit_ensemble(trial: TrialResult, prepared: TabularData,
                   refit_member: Callable[[TrialResult], Pipeline | None]) -> Pipeline:
    """The model of an ensemble trial, refit on all training data, taking raw rows.

    Parameters
    ----------
    trial : TrialResult
        A VotingEnsemble or StackEnsemble trial (:func:`build_ensemble_trials`).
    prepared : TabularData
        The job's prepared data: ``refit_transformer`` and ``classes``.
    refit_member : callable
        ``refit_member(member_trial)`` returns that member's fitted
        ``Pipeline([("preprocessor", ...), ("estimator", ...)])`` trained on all
        featurized training rows, or None when it was not fitted by the job's limit.

    Returns
    -------
    Pipeline
        ``Pipeline([("datatransformer", prepared.refit_transformer), ("ensemble", model)])``
        where ``model`` is a fitted ``VotingClassifier`` (soft) / ``VotingRegressor``
        or a :class:`StackEnsembleClassifier` / :class:`StackEnsembleRegressor`. A vote
        goes without the members that were not fitted, its weights scaled to sum to one.

    Raises
    ------
    ValueError
        When a refit member does not know exactly the job's classes.
    PastDeadline
        When a stack's member, or every member of a vote, was not fitted.
    """
    spec = trial.ensemble
    members = [(member_name(m), refit_member(m)) for m in spec.members]
    fitted = [model is not None for _, model in members]
    if isinstance(spec, VotingEnsembleSpec) and any(fitted):
        weights = np.asarray(spec.weights, dtype=float)[fitted]
        vote = [member for member, ok in zip(members, fitted) if ok]
        model = make_voting_ensemble(*_flat_vote(vote, weights / weights.sum()), classes=prepared.classes)
    elif not all(fitted):
        raise PastDeadline(f"{_late_members(spec.members, fitted)} not fitted by the job's limit")
    elif isinstance(spec, StackEnsembleSpec):
        model = make_stack_ensemble(members, spec.meta_learner, classes=prepared.classes)
    else:
        raise TypeError(f"trial {trial.name!r} holds no ensemble this version can refit: {type(spec).__name__}.")
    return ScoringPipeline([("datatransformer", prepared.refit_transformer), ("ensemble", model)])


def _late_members(members: list[TrialResult], fitted: list[bool]) -> str:
    """The members not fitted, as "the refit of trial(s) 3, 8"."""
    return "the refit of trial(s) " + ", ".join(str(m.iteration) for m, ok in zip(members, fitted) if not ok)


def _flat_vote(members: list[tuple[str, Pipeline | VotingClassifier | VotingRegressor]],
               weights: np.ndarray) -> tuple[list[tuple[str, Pipeline]], list[float]]:
    """The vote of ``members`` with each bag's fold models in its place, each with its share of the
    bag's weight: one soft vote, the same average, that converts to ONNX like any other."""
    flat, flat_weights = [], []
    for (name, model), weight in zip(members, weights):
        folds = list(model.named_estimators_.items()) if isinstance(model, (VotingClassifier, VotingRegressor)) \
            else [("", model)]
        for fold, fitted in folds:
            flat.append((f"{name}_{fold}" if fold else name, fitted))
            flat_weights.append(float(weight) / len(folds))
    return flat, flat_weights


def refit_trial(trial: TrialResult, prepared: TabularData, n_jobs: int = 1, workers: int = 1,
                deadline: float | None = None, notes: list[str] | None = None) -> Pipeline:
    """The model of ``trial`` refit on all training data: one Pipeline taking raw rows.

    Its first step is the fitted ``datatransformer``; an ensemble's members are refit
    ``workers`` at a time (:func:`refit_members`) and assembled by :func:`refit_ensemble`.
    At ``deadline`` (a ``time.monotonic()``) boosters keep the iterations they have; fits that have not
    returned soon after are left out: a vote's members and a bag's folds. ``notes`` and
    ``prepared.final_model_reason`` say which; without them there is no model, and
    :class:`~automl.core.PastDeadline` is raised.
    """
    members = trial.ensemble.members if trial.ensemble is not None else [trial]
    models = refit_members(members, prepared, n_jobs, workers, deadline)
    if notes is not None:
        notes.extend(_deadline_notes(trial, members, models))
    if trial.ensemble is not None:
        fitted = dict(zip(map(id, members), models))
        return refit_ensemble(trial, prepared, lambda member: fitted[id(member)])
    (model,) = models
    if model is None:
        raise PastDeadline("its refit on all rows did not return by the job's limit")
    if isinstance(model, Pipeline):
        return ScoringPipeline([("datatransformer", prepared.refit_transformer), *model.steps])
    return ScoringPipeline([("datatransformer", prepared.refit_transformer), ("bag", model)])


def _deadline_notes(trial: TrialResult, members: list[TrialResult],
                    models: list[Pipeline | VotingClassifier | VotingRegressor | None]) -> list[str]:
    """What the deadline cut from the final model of ``trial``: boosting or growth it ended early, and a vote's
    members it left out."""
    notes = []
    stopped = {m.iteration: _iterations_at_deadline(model) for m, model in zip(members, models) if model is not None}
    stopped = {k: v for k, v in stopped.items() if v}
    if stopped:
        notes.append(f"the refit of trial(s) {', '.join(map(str, stopped))} ended at the job's limit with "
                     f"{', '.join(map(str, stopped.values()))} iterations (boosting rounds or trees): fewer than its "
                     "trial fitted")
    if trial.ensemble is not None and any(model is None for model in models):
        notes.append(f"{trial.name} ({trial.algorithm}) goes without "
                     f"{_late_members(members, [m is not None for m in models])}: not fitted by the job's limit")
    return notes


def _iterations_at_deadline(model: Pipeline | VotingClassifier | VotingRegressor) -> str:
    """The iterations of each of ``model``'s estimators (a bag's fold models) that its deadline stopped, "" when
    none was ("120", or "120/131" for a bag's)."""
    fits = list(model.named_estimators_.values()) if isinstance(model, (VotingClassifier, VotingRegressor)) else [model]
    counts = [getattr(fit[-1], STOPPED_ATTRIBUTE, None) for fit in fits]
    return "/".join(str(c) for c in counts if c is not None)
