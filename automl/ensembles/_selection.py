"""Caruana ensemble selection with replacement, as Azure's ``EnsembleSelector`` runs it.

Pure numpy: the predictions, the target and a score function go in, selection
counts come out. Nothing here knows about trials or folds.
"""
from __future__ import annotations

import time
from typing import Callable, Sequence

import numpy as np

#: Azure: at most this many completed trials, best first, are candidates.
MAXIMUM_MODELS_FOR_SELECTION = 50
#: Azure: ``ensemble_iterations`` defaults to ``min(15, max_trials)``.
MAXIMUM_DEFAULT_ENSEMBLE_SELECTION_ITERATIONS = 15
#: Azure: the initial ensemble only takes models within 5% of the best single score ...
SELECTION_GREEDY_SCORE_THRESHOLD = 0.05
#: ... and at most this many of them.
MAXIMUM_PIPELINES_IN_GREEDY_PHASE = 5

ScoreFn = Callable[[np.ndarray, np.ndarray], float]


def default_rounds(max_trials: int) -> int:
    """Selection rounds (Azure's ``ensemble_iterations``): ``min(15, max_trials)``."""
    return max(1, min(MAXIMUM_DEFAULT_ENSEMBLE_SELECTION_ITERATIONS, int(max_trials)))


def default_initial_size(rounds: int) -> int:
    """Models the ensemble starts with: 1 for a single round, else ``min(5, rounds // 2)``."""
    if rounds == 1:
        return 1
    return min(MAXIMUM_PIPELINES_IN_GREEDY_PHASE, rounds // 2)


def within_threshold(single_scores: np.ndarray, best: float, greater_is_better: bool) -> np.ndarray:
    """Which single scores lie within 5% of ``best`` (Azure's greedy-phase threshold).

    The threshold moves away from ``best`` in the worse direction: ``0.95 * best``
    for a positive score to maximise, ``1.05 * best`` for a positive error, and
    the mirror images for negative values.

    Examples
    --------
    >>> within_threshold(np.array([0.90, 0.86, 0.80]), 0.90, True).tolist()
    [True, True, False]
    >>> within_threshold(np.array([0.10, 0.104, 0.2]), 0.10, False).tolist()
    [True, True, False]
    """
    t = SELECTION_GREEDY_SCORE_THRESHOLD
    if greater_is_better:
        threshold = (1 - t) * best if best > 0 else (1 + t) * best
        return single_scores >= threshold
    threshold = (1 + t) * best if best > 0 else (1 - t) * best
    return single_scores <= threshold


def _goodness(scores: np.ndarray, greater_is_better: bool) -> np.ndarray:
    """Scores turned so that larger is better and NaN is worst."""
    signed = scores if greater_is_better else -scores
    return np.where(np.isnan(signed), -np.inf, signed)


def _pick(round_scores: np.ndarray, single_good: np.ndarray, rank: np.ndarray,
          greater_is_better: bool, allowed: np.ndarray) -> int:
    """The ``allowed`` candidate with the best ensemble score; ties go to the better single model."""
    good = _goodness(round_scores, greater_is_better)
    tied = np.flatnonzero(allowed & (good == good[allowed].max()))
    return int(max(tied, key=lambda j: (single_good[j], -rank[j])))


def _initial_size(single: np.ndarray, best: float, greater_is_better: bool, rounds: int,
                  requested: int | None) -> int:
    """The requested initial size, cut to the models within 5% of ``best``; at least one."""
    size = default_initial_size(rounds) if requested is None else int(requested)
    if not np.isnan(best):
        size = min(size, int(within_threshold(single, best, greater_is_better).sum()))
    return max(1, min(size, rounds))


def _may_join(ensemble: list[int], sizes: np.ndarray, max_size: float) -> np.ndarray:
    """Which models may join ``ensemble``: its members, and any whose size the distinct members'
    sizes leave room for within ``max_size`` (every model, while the ensemble is empty)."""
    if not ensemble:
        return np.ones(len(sizes), dtype=bool)
    members = np.unique(ensemble)
    allowed = sizes[members].sum() + sizes <= max_size
    allowed[members] = True
    return allowed


def caruana_selection(predictions: Sequence[np.ndarray], y: np.ndarray, score_fn: ScoreFn,
                      greater_is_better: bool, rounds: int, initial_size: int | None = None,
                      single_scores: Sequence[float] | None = None, sizes: Sequence[float] | None = None,
                      max_size: float = np.inf) -> np.ndarray:
    """Select an ensemble by Caruana's greedy forward selection with replacement.

    1. Rank the models by their single scores. The ensemble starts with the
       ``initial_size`` best ones, fewer when fewer lie within 5% of the best.
    2. For ``rounds - initial_size`` rounds, try appending each model (again and
       again: with replacement), score the *average* of the members'
       predictions, and append the model giving the best score; ties go to the
       model with the better single score.
    3. Keep the best ensemble seen; its selection counts are returned.

    The ensembles "seen" include the initial set as it is built, one model at a
    time: so the result is never worse than the best single model on this
    data. Azure records only the full initial set; with five models that can
    be worse than its best one.

    Parameters
    ----------
    predictions : sequence of ndarray
        One array per model, all of the same shape: values of shape (n,) for
        regression, class probabilities of shape (n, n_classes) for classification.
    y : ndarray of shape (n,)
        The true target, passed to ``score_fn``.
    score_fn : callable
        ``score_fn(y, averaged_prediction) -> float``: the primary metric.
    greater_is_better : bool
        Direction of ``score_fn``.
    rounds : int
        Total ensemble size to grow to (Azure's ``ensemble_iterations``).
    initial_size : int, optional
        Size of the initial ensemble before the 5% rule; default
        :func:`default_initial_size` of ``rounds``.
    single_scores : sequence of float, optional
        ``score_fn`` of each model alone; computed when not given.
    sizes : sequence of float, optional
        Each model's size: a model joins the ensemble only while the sizes of its distinct members
        add up to at most ``max_size`` (the best model alone always may). The weights are chosen
        among the models that fit, rather than members dropped from an ensemble chosen without them.
    max_size : float, default=inf
        The largest total size of the distinct members.

    Returns
    -------
    ndarray of int, shape (n_models,)
        How many times each model was selected (0 for models left out). The
        ensemble weights are ``counts / counts.sum()``.

    Examples
    --------
    >>> y = np.array([0.0, 1.0, 2.0, 3.0])
    >>> low, high = y - 1.0, y + 1.0              # each off by one, their mean is exact
    >>> mse = lambda t, p: float(np.mean((t - p) ** 2))
    >>> caruana_selection([low, high, y * 0], y, mse, False, rounds=4).tolist()
    [1, 1, 0]
    """
    if len(predictions) == 0:
        raise ValueError("caruana_selection needs at least one model's predictions.")
    if rounds < 1:
        raise ValueError(f"rounds must be at least 1, got {rounds}.")
    models = [np.asarray(p, dtype=float) for p in predictions]
    n = len(models)
    if single_scores is None:
        single_scores = [score_fn(y, p) for p in models]
    single = np.asarray(single_scores, dtype=float)
    single_good = _goodness(single, greater_is_better)
    order = np.argsort(-single_good, kind="stable")
    rank = np.empty(n, dtype=int)
    rank[order] = np.arange(n)
    size = _initial_size(single, single[order[0]], greater_is_better, rounds, initial_size)
    cost = np.zeros(n) if sizes is None else np.asarray(sizes, dtype=float)
    ensemble: list[int] = []
    total = np.zeros_like(models[0])
    best_members: list[int] = []
    best_good = -np.inf
    for i in order[:size]:  # the initial set, recorded as it grows
        if not _may_join(ensemble, cost, max_size)[i]:
            continue
        ensemble.append(int(i))
        total = total + models[i]
        good = _goodness(np.array([score_fn(y, total / len(ensemble))]), greater_is_better)[0]
        if not best_members or good > best_good:
            best_members, best_good = list(ensemble), good
    for _ in range(rounds - size):
        k = len(ensemble) + 1
        allowed = _may_join(ensemble, cost, max_size)
        round_scores = np.array([score_fn(y, (total + m) / k) if allowed[j] else np.nan
                                 for j, m in enumerate(models)])
        chosen = _pick(round_scores, single_good, rank, greater_is_better, allowed)
        ensemble.append(chosen)
        total = total + models[chosen]
        good = _goodness(round_scores[chosen:chosen + 1], greater_is_better)[0]
        if good > best_good:
            best_members, best_good = list(ensemble), good
    return np.bincount(np.asarray(best_members, dtype=int), minlength=n)


def affordable_candidates(n_candidates: int, score_one: Callable[[], object], rounds: int, max_seconds: float,
                          passes: int = 1) -> int:
    """How many of the best ``n_candidates`` a selection of ``rounds`` rounds can score within ``max_seconds``.

    A selection scores each candidate alone, then each candidate once a round: about
    ``n * (rounds + 1)`` calls of the primary metric, ``passes`` times over (one selection per
    cross-fitted window, for example). One call, ``score_one()``, is timed and the rest estimated from
    it. At least two candidates are kept (an ensemble needs two), all of them when ``max_seconds`` is
    infinite (then nothing is timed).

    Examples
    --------
    >>> affordable_candidates(50, lambda: time.sleep(0.01), rounds=15, max_seconds=2.0) < 50
    True
    >>> affordable_candidates(50, lambda: None, rounds=15, max_seconds=float("inf"))
    50
    """
    if not np.isfinite(max_seconds) or n_candidates <= 2:
        return n_candidates
    started = time.perf_counter()
    score_one()
    cost = max(time.perf_counter() - started, 1e-6)
    return max(2, int(min(n_candidates, max_seconds / (cost * (rounds + 1) * max(1, passes)))))


#: The largest ensemble the selection keeps, counted as the sum of its distinct members' model sizes
#: (``caruana_selection``'s ``max_size``; the best model alone may be larger).
MAX_ENSEMBLE_BYTES = 128 * 2**20


def within_time(counts: np.ndarray, seconds: Sequence[float], fits: Callable[[np.ndarray], bool]) -> np.ndarray:
    """Selection ``counts`` with members dropped until ``fits(chosen)`` says the final model of the chosen
    members (their indices) fits the time left; one member always stays. The member dropped first is
    the one with the most ``seconds`` per selection: the most time saved for the least weight lost.

    Examples
    --------
    >>> seconds = [5.0, 30.0, 8.0]
    >>> within_time(np.array([3, 2, 2]), seconds, lambda chosen: sum(seconds[i] for i in chosen) <= 20).tolist()
    [3, 0, 2]
    """
    costs = np.asarray(seconds, dtype=float)

    def costliest(chosen: np.ndarray, counts: np.ndarray) -> int:
        return int(chosen[np.argmax(costs[chosen] / counts[chosen])])
    return _drop_until(counts, fits, costliest)


def _drop_until(counts: np.ndarray, fits: Callable[[np.ndarray], bool],
                worst: Callable[[np.ndarray, np.ndarray], int]) -> np.ndarray:
    """``counts`` with the ``worst(chosen, counts)`` member dropped until ``fits`` the chosen indices, or
    one member is left."""
    counts = np.asarray(counts).copy()
    while (counts > 0).sum() > 1 and not fits(np.flatnonzero(counts > 0)):
        counts[worst(np.flatnonzero(counts > 0), counts)] = 0
    return counts
