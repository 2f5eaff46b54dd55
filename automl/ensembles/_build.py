"""The ensemble trials of a job: VotingEnsemble, then StackEnsemble, after the sweep.

Both are built from the completed trials' validation predictions, without
training any model: the selection and the meta learner work on predictions
alone. The models themselves are assembled at refit time (:mod:`._refit`).
"""
from __future__ import annotations

import math
import time
from typing import Any, Callable

import numpy as np

from automl._setup import PreparedData
from automl.ensembles._meta import (
    CV_METHODS,
    cross_fit,
    fit_meta,
    fold_splits,
    holdout_splits,
    make_meta_learner,
    resolve_meta_learner,
    tuned_plain,
)
from automl.ensembles._scoring import Candidates, ValidationScorer, gather_candidates
from automl.ensembles._selection import caruana_selection, default_rounds
from automl.ensembles._spec import STACK, VOTING, StackEnsembleSpec, VotingEnsembleSpec
from automl.ensembles._stack import meta_features
from automl.ensembles._voting import weighted_average
from automl.settings import TrainingSettings
from automl.trials import COMPLETED, FAILED, TrialResult

#: Ensembles need at least this many trials besides themselves (Azure: ``2 + #ensembles``).
MIN_BASE_TRIALS = 2


def planned_ensembles(training: TrainingSettings, *, task: str, max_trials: int) -> list[str]:
    """The ensemble trials a job will run, in order, by Azure's rules.

    ``VotingEnsemble`` when ``enable_vote_ensemble``; ``StackEnsemble`` when
    ``enable_stack_ensemble``, except in ONNX mode
    (``enable_onnx_compatible_models``) and for forecasting. Both are off when
    ``max_trials < 2 + <number of ensembles left>``. As in Azure, the ensembles
    are part of ``max_trials``: the sweep may run ``max_trials - len(result)``
    trials.

    Examples
    --------
    >>> from automl.settings import TrainingSettings
    >>> planned_ensembles(TrainingSettings(), task="classification", max_trials=10)
    ['VotingEnsemble', 'StackEnsemble']
    >>> planned_ensembles(TrainingSettings(enable_onnx_compatible_models=True), task="regression", max_trials=3)
    ['VotingEnsemble']
    >>> planned_ensembles(TrainingSettings(), task="classification", max_trials=3)
    []
    """
    kinds = [VOTING] if training.enable_vote_ensemble else []
    if (training.enable_stack_ensemble and not training.enable_onnx_compatible_models
            and task != "forecasting"):
        kinds.append(STACK)
    return kinds if max_trials >= MIN_BASE_TRIALS + len(kinds) else []


class _Selection:
    """The Caruana selection over the candidates, computed once for both ensembles."""

    def __init__(self, candidates: Candidates, scorer: ValidationScorer, rounds: int):
        self.candidates, self.scorer, self.rounds = candidates, scorer, rounds
        self._chosen: tuple[list[int], np.ndarray] | None = None

    def chosen(self) -> tuple[list[int], np.ndarray]:
        """Indices of the selected candidates (best first) and their weights."""
        if self._chosen is None:
            counts = caruana_selection(self.candidates.predictions, self.scorer.y, self.scorer.primary,
                                       self.scorer.greater_is_better, self.rounds)
            picked = [int(i) for i in np.flatnonzero(counts)]
            self._chosen = picked, counts[picked] / counts[picked].sum()
        return self._chosen

    def members(self) -> list[TrialResult]:
        """The selected trials, best first."""
        return [self.candidates.trials[i] for i in self.chosen()[0]]

    def predictions(self) -> list[np.ndarray]:
        """The selected trials' validation predictions on the shared rows."""
        return [self.candidates.predictions[i] for i in self.chosen()[0]]


def _member_params(members: list[TrialResult]) -> dict[str, Any]:
    return {"ensembled_iterations": [m.iteration for m in members],
            "ensembled_algorithms": [m.display_name for m in members]}


def _score(result: TrialResult, prediction: np.ndarray, selection: _Selection, primary: str) -> None:
    result.metrics = selection.scorer.all_metrics(prediction)
    result.score = float(result.metrics.get(primary, math.nan))
    result.valid_predictions = np.asarray(prediction, dtype=np.float32)
    result.valid_rows = selection.candidates.rows


def _voting(result: TrialResult, selection: _Selection, primary: str, **_: Any) -> None:
    """Soft vote of the selected members, weighted by selection counts."""
    _, weights = selection.chosen()
    members = selection.members()
    _score(result, weighted_average(selection.predictions(), weights), selection, primary)
    result.params = {**_member_params(members), "ensemble_weights": [float(w) for w in weights]}
    result.ensemble = VotingEnsembleSpec(members, weights)


def _stack(result: TrialResult, selection: _Selection, primary: str, prepared: PreparedData,
           training: TrainingSettings, seed: int = 0) -> None:
    """A meta learner over the members' predictions, scored by cross-fitting (see ``_meta``)."""
    settings = training.stack_ensemble_settings
    scorer, task = selection.scorer, prepared.task
    cross_validated = prepared.validation.method in CV_METHODS and len(scorer.parts) >= 2
    name = resolve_meta_learner(settings.stack_meta_learner_type, task, cross_validated)
    kwargs = dict(settings.stack_meta_learner_kwargs or {})
    learner = make_meta_learner(name, kwargs)
    Z = meta_features(selection.predictions(), task)
    share = settings.stack_meta_learner_train_percentage
    splits = (fold_splits(scorer.parts, len(Z)) if cross_validated
              else holdout_splits(scorer.y, share, task, seed))
    meta = fit_meta(learner, Z, scorer.y, scorer.w)
    # With default settings, the folds reuse the hyper-parameters the *CV learner chose on all rows.
    folds_learner = (tuned_plain(meta) if not kwargs else None) or learner
    _score(result, cross_fit(folds_learner, Z, scorer.y, scorer.w, splits, task, prepared.classes),
           selection, primary)
    members = selection.members()
    result.params = {**_member_params(members), "stack_meta_learner_type": name,
                     "stack_meta_learner_kwargs": kwargs,
                     "stack_meta_learner_train_percentage": None if cross_validated else share}
    result.ensemble = StackEnsembleSpec(members, name, kwargs, meta,
                                        selection.candidates.rows, None if cross_validated else share)


_BUILDERS: dict[str, Callable[..., None]] = {VOTING: _voting, STACK: _stack}


def _run_one(kind: str, iteration: int, name: str, build: Callable[[TrialResult], None]) -> TrialResult:
    started = time.time()
    result = TrialResult(iteration, name, kind, "", {}, COMPLETED, started_at=started)
    try:
        build(result)
    except Exception as exc:  # a failing ensemble never fails the job
        result.status, result.score = FAILED, math.nan
        result.error = f"{type(exc).__name__}: {exc}"
    result.duration_seconds = time.time() - started
    return result


def build_ensemble_trials(trials: list[TrialResult], prepared: PreparedData, training: TrainingSettings,
                          *, primary_metric: str, task: str, max_trials: int, start_iteration: int,
                          name_of: Callable[[int], str], seed: int = 0) -> list[TrialResult]:
    """Run the ensemble trials of a job: VotingEnsemble first, then StackEnsemble.

    Parameters
    ----------
    trials : list of TrialResult
        Every trial of the sweep; the top 50 completed, non-ensemble ones with
        finite validation predictions are the candidates.
    prepared : PreparedData
        The job's prepared data (target, weights, classes, folds).
    training : TrainingSettings
        ``enable_vote_ensemble``, ``enable_stack_ensemble``,
        ``enable_onnx_compatible_models`` and ``stack_ensemble_settings``.
    primary_metric, task : str
        What the job optimises.
    max_trials : int
        The job's limit: sets the selection rounds (``min(15, max_trials)``) and
        the off rule (see :func:`planned_ensembles`).
    start_iteration : int
        Iteration of the first ensemble trial (the number of trials run before).
    name_of : callable
        ``name_of(iteration) -> "<job>_<iteration>"``.
    seed : int, default=0
        Seed of the holdout split used to score the StackEnsemble.

    Returns
    -------
    list of TrialResult
        Zero, one or two trials (``algorithm`` ``"VotingEnsemble"`` /
        ``"StackEnsemble"``, preprocessor ``""``), ``Completed`` with full
        metrics, or ``Failed`` with the error. Empty when the ensembles are off
        or fewer than two trials can be ensembled. ``ensemble`` holds what
        :func:`refit_ensemble` needs; ``duration_seconds`` the time taken (the
        selection is counted in the first one).
    """
    kinds = planned_ensembles(training, task=task, max_trials=max_trials)
    candidates = gather_candidates(trials, primary_metric, task) if kinds else None
    if not kinds or len(candidates.trials) < MIN_BASE_TRIALS or len(candidates.rows) == 0:
        return []
    scorer = ValidationScorer(prepared, candidates.rows, primary_metric)
    selection = _Selection(candidates, scorer, default_rounds(max_trials))
    context = {"selection": selection, "primary": primary_metric, "prepared": prepared,
               "training": training, "seed": seed}
    results = []
    for offset, kind in enumerate(kinds):
        iteration = start_iteration + offset
        results.append(_run_one(kind, iteration, name_of(iteration),
                                lambda result, build=_BUILDERS[kind]: build(result, **context)))
    return results
