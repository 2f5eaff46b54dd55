"""VotingEnsemble across forecasters: Caruana selection on the back-test forecasts.

The selection is :func:`automl.ensembles.caruana_selection`, scored with the job's primary
metric over the rolling-origin folds. StackEnsemble is not built for forecasting (Azure's
default), whatever ``enable_stack_ensemble`` says.
"""
from __future__ import annotations

import math
import time
from typing import Callable

import numpy as np

from automl.core import COMPLETED, FAILED, TrialResult
from automl.ensembles import (
    MAX_ENSEMBLE_BYTES,
    LEFT_OUT_TO_FIT_TIME,
    MAXIMUM_MODELS_FOR_SELECTION,
    FinalModelTime,
    VOTING,
    VotingEnsembleSpec,
    caruana_selection,
    default_rounds,
    weighted_average,
    within_final_time,
)
from automl.metrics import Metric, sort_key
from automl.tasks.forecasting._trial import ForecastTrialData

__all__ = ["build_vote"]


def _candidates(trials: list[TrialResult], metric: Metric, n: int) -> list[TrialResult]:
    key = sort_key(metric)
    usable = [t for t in trials if t.succeeded and t.ensemble is None and t.valid_predictions is not None
              and len(t.valid_predictions) == n and np.isfinite(t.valid_predictions).all()]
    return sorted(usable, key=lambda t: key(t.score))[:MAXIMUM_MODELS_FOR_SELECTION]


def _affordable(candidates: list[TrialResult], score: Callable[[np.ndarray], float], rounds: int,
                max_seconds: float) -> list[TrialResult]:
    """The best candidates the selection can score within ``max_seconds``: it scores each candidate
    once, then once per round (the primary metric over folds and series, a fraction of a millisecond
    for the normalised errors, tens of ms for the metrics computed with the others)."""
    if not np.isfinite(max_seconds):
        return candidates
    started = time.perf_counter()
    score(np.asarray(candidates[0].valid_predictions, dtype=float))
    cost = max(time.perf_counter() - started, 1e-6)
    return candidates[:max(2, int(min(len(candidates), max_seconds / (cost * (rounds + 1)))))]


def build_vote(trials: list[TrialResult], data: ForecastTrialData, metric: Metric, max_trials: int,
               iteration: int, name_of: Callable[[int], str], *,
               max_seconds: float = float("inf"),
               final_time: FinalModelTime | None = None) -> TrialResult | None:
    """The VotingEnsemble trial, or None with fewer than two usable trials; selected from the best
    candidates (by validation score) that can be scored within about ``max_seconds``, without the members
    whose final models would not let the ensemble's fit ``final_time``."""
    candidates = _candidates(trials, metric, len(data.y_true))
    if len(candidates) < 2:
        return None
    primary = metric.name
    started = time.time()
    result = TrialResult(iteration, name_of(iteration), VOTING, "", {}, COMPLETED, started_at=started)
    try:
        score_primary = data.scorer(primary)
        rounds = default_rounds(max_trials)
        considered = len(candidates)
        candidates = _affordable(candidates, score_primary, rounds, max_seconds)
        predictions = [np.asarray(t.valid_predictions, dtype=float) for t in candidates]
        sizes = [t.model_bytes for t in candidates]
        counts = caruana_selection(predictions, data.y_true, lambda y, p: score_primary(p), metric.greater_is_better,
                                   rounds, sizes=sizes, max_size=MAX_ENSEMBLE_BYTES)  # y is data.y_true
        counts, left_out = within_final_time(counts, candidates, final_time)
        picked = [int(i) for i in np.flatnonzero(counts)]
        weights = counts[picked] / counts[picked].sum()
        combined = weighted_average([predictions[i] for i in picked], weights)
        result.metrics = data.score(combined)
        result.score = float(result.metrics.get(primary, math.nan))
        result.valid_rows, result.valid_predictions = np.arange(len(combined)), combined.astype(np.float32)
        members = [candidates[i] for i in picked]
        result.params = {"ensembled_iterations": [m.iteration for m in members],
                         "ensembled_algorithms": [m.display_name for m in members],
                         "ensemble_weights": [float(w) for w in weights],
                         "selection_candidates": f"{len(candidates)} of {considered}"}
        if left_out:
            result.params[LEFT_OUT_TO_FIT_TIME] = left_out
        result.ensemble = VotingEnsembleSpec(members, weights)
    except Exception as exc:  # a failing ensemble never fails the job
        result.status, result.score, result.error = FAILED, math.nan, f"{type(exc).__name__}: {exc}"
    result.duration_seconds = time.time() - started
    return result
