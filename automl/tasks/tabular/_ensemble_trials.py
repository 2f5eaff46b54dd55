"""The ensemble trials of a job: VotingEnsemble, then StackEnsemble, after the sweep.

Both are built from the completed trials' validation predictions, without
training any model: the selection and the meta learner work on predictions
alone. The models themselves are assembled at refit time (:mod:`._refit`).
"""
from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING, Any, Callable

import numpy as np

from automl.core import CANCELED, COMPLETED, FAILED, TrialResult
from automl.ensembles import (
    MAX_ENSEMBLE_BYTES,
    CV_METHODS,
    LEFT_OUT_TO_FIT_TIME,
    FinalModelTime,
    STACK,
    VOTING,
    StackEnsembleSpec,
    VotingEnsembleSpec,
    affordable_candidates,
    caruana_selection,
    cross_fit,
    default_rounds,
    fit_meta_within,
    fold_splits,
    holdout_splits,
    make_meta_learner,
    meta_features,
    tuned_plain,
    weighted_average,
    within_final_time,
)
from automl.metrics import Metric
from automl.settings import TrainingSettings
from automl.tasks._task import MIN_BASE_TRIALS
from automl.tasks.tabular._ensemble_scoring import Candidates, ValidationScorer, gather_candidates

if TYPE_CHECKING:
    from automl.tasks.tabular._prepare import TabularData

__all__ = ["build_ensemble_trials"]


class _Selection:
    """The Caruana selection over the candidates, computed once for both ensembles."""

    def __init__(self, candidates: Candidates, scorer: ValidationScorer, rounds: int, model_copies: int = 1,
                 final_time: FinalModelTime | None = None, deadline: float = math.inf):
        self.candidates, self.scorer, self.rounds = candidates, scorer, rounds
        self.model_copies = model_copies  # a bag holds one model per fold
        self.final_time = final_time
        self.deadline = deadline  # a time.time() by which the ensembles should be built
        self.considered = len(candidates.trials)  # how many the selection scored: the best, as time allows
        self.left_out: list[int] = []  # iterations left out for the time left
        self._chosen: tuple[list[int], np.ndarray] | None = None

    def chosen(self) -> tuple[list[int], np.ndarray]:
        """Indices of the selected candidates (best first) and their weights, chosen among the best
        candidates it can score by ``deadline`` (:func:`automl.ensembles.affordable_candidates`) and
        the models that fit the ensemble's size budget (:data:`automl.ensembles.MAX_ENSEMBLE_BYTES`);
        members whose final models would not let the ensemble's fit the time left (``final_time``) are
        left out."""
        if self._chosen is None:
            predictions, y = self.candidates.predictions, self.scorer.y
            self.considered = affordable_candidates(len(predictions), lambda: self.scorer.primary(y, predictions[0]),
                                                    self.rounds, self.deadline - time.time())
            trials, predictions = self.candidates.trials[:self.considered], predictions[:self.considered]
            sizes = [self.model_copies * t.model_bytes for t in trials]
            counts = caruana_selection(predictions, y, self.scorer.primary,
                                       self.scorer.greater_is_better, self.rounds, sizes=sizes,
                                       max_size=MAX_ENSEMBLE_BYTES)
            counts, self.left_out = within_final_time(counts, trials, self.final_time)
            picked = [int(i) for i in np.flatnonzero(counts)]
            self._chosen = picked, counts[picked] / counts[picked].sum()
        return self._chosen

    def members(self) -> list[TrialResult]:
        """The selected trials, best first."""
        return [self.candidates.trials[i] for i in self.chosen()[0]]

    def predictions(self) -> list[np.ndarray]:
        """The selected trials' validation predictions on the shared rows."""
        return [self.candidates.predictions[i] for i in self.chosen()[0]]


def _member_params(selection: _Selection) -> dict[str, Any]:
    members = selection.members()
    params = {"ensembled_iterations": [m.iteration for m in members],
              "ensembled_algorithms": [m.display_name for m in members],
              "selection_candidates": f"{selection.considered} of {len(selection.candidates.trials)}"}
    return {**params, LEFT_OUT_TO_FIT_TIME: selection.left_out} if selection.left_out else params


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
    result.params = {**_member_params(selection), "ensemble_weights": [float(w) for w in weights]}
    result.ensemble = VotingEnsembleSpec(members, weights)


def _stack(result: TrialResult, selection: _Selection, primary: str, prepared: TabularData,
           training: TrainingSettings, seed: int = 0, deadline: float = math.inf) -> None:
    """A meta learner over the members' predictions, scored by cross-fitting (see ``automl.ensembles``);
    skipped (``TimeoutError``) when its fits would not end by ``deadline`` (a ``time.time()``)."""
    settings = training.stack_ensemble_settings
    scorer = selection.scorer
    cross_validated = prepared.validation.method in CV_METHODS and len(scorer.parts) >= 2
    name = prepared.task.meta_learner(settings.stack_meta_learner_type, cross_validated)
    kwargs = dict(settings.stack_meta_learner_kwargs or {})
    learner = make_meta_learner(name, kwargs)
    Z = meta_features(selection.predictions())
    share = settings.stack_meta_learner_train_percentage
    splits = (fold_splits(scorer.parts, len(Z)) if cross_validated
              else holdout_splits(scorer.y, share, prepared.task.strata(scorer.y) is not None, seed))
    meta = fit_meta_within(learner, Z, scorer.y, scorer.w, len(splits), deadline - time.time())
    # With default settings, the folds reuse the hyper-parameters the *CV learner chose on all rows.
    folds_learner = (tuned_plain(meta) if not kwargs else None) or learner
    _score(result, cross_fit(folds_learner, Z, scorer.y, scorer.w, splits, prepared.classes),
           selection, primary)
    members = selection.members()
    result.params = {**_member_params(selection), "stack_meta_learner_type": name,
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
    except TimeoutError as exc:  # it would not fit the ensembles' budget: skipped, and says why
        result.status, result.score, result.error = CANCELED, math.nan, str(exc)
    except Exception as exc:  # a failing ensemble never fails the job
        result.status, result.score = FAILED, math.nan
        result.error = f"{type(exc).__name__}: {exc}"
    result.duration_seconds = time.time() - started
    return result


def build_ensemble_trials(kinds: list[str], trials: list[TrialResult], prepared: TabularData,
                          training: TrainingSettings, *, metric: Metric, max_trials: int, start_iteration: int,
                          name_of: Callable[[int], str], seed: int = 0,
                          final_time: FinalModelTime | None = None,
                          max_seconds: float = math.inf) -> list[TrialResult]:
    """Run the ensemble trials ``kinds`` of a job: VotingEnsemble first, then StackEnsemble.

    Parameters
    ----------
    kinds : list of str
        The ensembles to build, in order (the task's ``planned_ensembles``).
    trials : list of TrialResult
        Every trial of the sweep; the top 50 completed, non-ensemble ones with
        finite validation predictions are the candidates.
    prepared : TabularData
        The job's prepared data (target, weights, classes, folds).
    training : TrainingSettings
        ``stack_ensemble_settings``.
    metric : Metric
        The job's primary metric.
    max_trials : int
        The job's limit: sets the selection rounds (``min(15, max_trials)``).
    start_iteration : int
        Iteration of the first ensemble trial (the number of trials run before).
    name_of : callable
        ``name_of(iteration) -> "<job>_<iteration>"``.
    seed : int, default=0
        Seed of the holdout split used to score the StackEnsemble.
    final_time : FinalModelTime, optional
        What the final model of an ensemble of given members should take (its refit or bag, and its
        logging), and the time left for it. Members are left out (:func:`automl.ensembles.within_time`)
        until it fits; their iterations are in the ensembles' ``params["left_out_to_fit_time"]``.
    max_seconds : float, default=inf
        The ensembles' budget, from this call. The selection scores the best candidates it can score
        within it (:func:`automl.ensembles.affordable_candidates`, in ``params["selection_candidates"]``).
        The StackEnsemble's meta learner is estimated from one timed fit
        (:func:`automl.ensembles.fit_meta_within`); when the rest would run past the budget, the
        StackEnsemble is ``Canceled`` and its ``error`` says why.

    Returns
    -------
    list of TrialResult
        Zero, one or two trials (``algorithm`` ``"VotingEnsemble"`` /
        ``"StackEnsemble"``, preprocessor ``""``), ``Completed`` with full
        metrics, ``Canceled`` when skipped for the budget, or ``Failed`` with the
        error. Empty when fewer than two trials can be ensembled. ``ensemble`` holds
        what the refit needs; ``duration_seconds`` the time taken (the selection is
        counted in the first one).
    """
    deadline = time.time() + max_seconds
    candidates = gather_candidates(trials, metric) if kinds else None
    if not kinds or len(candidates.trials) < MIN_BASE_TRIALS or len(candidates.rows) == 0:
        return []
    scorer = ValidationScorer(prepared, candidates.rows, metric)
    selection = _Selection(candidates, scorer, default_rounds(max_trials), prepared.models_per_member, final_time,
                           deadline)
    context = {"selection": selection, "primary": metric.name, "prepared": prepared,
               "training": training, "seed": seed, "deadline": deadline}
    results = []
    for offset, kind in enumerate(kinds):
        iteration = start_iteration + offset
        results.append(_run_one(kind, iteration, name_of(iteration),
                                lambda result, build=_BUILDERS[kind]: build(result, **context)))
    return results
