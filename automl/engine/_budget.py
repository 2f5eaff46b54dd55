"""The job's time budget after the search: what is kept for it, which refit fits, how long explanations take.

The search keeps time for what follows it (the ensembles, the refit of the likely best
model, the explanations and the end of the job), estimated from the trials as they finish;
the refit tries the best trial whose estimated refit fits in the time left; explanations
get a tenth of the budget, cut to what is left plus a small grace.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from automl.core import TrialResult
from automl.metrics import Metric, sort_key

if TYPE_CHECKING:
    from automl.engine.scheduler import StopRules
    from automl.tasks import Task

__all__ = ["EXPLANATION_GRACE_SHARE", "REFIT_GRACE_SHARE", "explanation_budget", "explanation_seconds",
           "post_search_reserve", "refit_estimate", "refit_order"]

#: Share of the budget the final refit may run past the job's time limit.
REFIT_GRACE_SHARE = 0.05
#: Share of the budget the search leaves at most for what follows it.
MAX_POST_SEARCH_RESERVE = 0.25
#: The best trials whose refits the reserve counts (an ensemble refits its members).
RESERVED_MEMBERS = 5
#: Seconds always kept for the ensembles' selection and the end of the job (tracking, report).
FIXED_POST_SEARCH_SECONDS = 5.0
#: Bounds of the explanations' time budget (a tenth of the job's).
MIN_EXPLANATION_SECONDS, MAX_EXPLANATION_SECONDS = 2.0, 60.0
#: Share of the budget the explanations may run past the job's time limit.
EXPLANATION_GRACE_SHARE = 0.05


def explanation_seconds(budget_seconds: float) -> float:
    """Time the explanations may take: a tenth of the job's budget, between 2 s and 60 s.

    Fewer validation rows are shuffled when a timed prediction shows the full
    sample would take longer (:func:`automl.explain.explain_model`).
    """
    return min(MAX_EXPLANATION_SECONDS, max(MIN_EXPLANATION_SECONDS, 0.1 * budget_seconds))


def explanation_budget(budget_seconds: float, remaining_seconds: float) -> float:
    """:func:`explanation_seconds`, cut to what is left of the job's budget plus a 5% grace."""
    left = remaining_seconds + EXPLANATION_GRACE_SHARE * budget_seconds
    return max(MIN_EXPLANATION_SECONDS, min(explanation_seconds(budget_seconds), left))


def refit_estimate(task: Task, trial: TrialResult, n_folds: int) -> float:
    """Seconds the refit of ``trial`` (an ensemble: all its members) should take on all rows."""
    members = trial.ensemble.members if trial.ensemble is not None else [trial]
    return task.refit_seconds(members, n_folds)


def refit_order(ranked: list[TrialResult], estimate: Callable[[TrialResult], float],
                seconds_left: float) -> list[TrialResult]:
    """The trials to try refitting, in order: the best whose refit fits in ``seconds_left`` first.

    A trial whose refit would overrun the job's time limit goes after those that
    fit (as FLAML retrains within its budget); when none fits, the quickest first.
    """
    fits = [t for t in ranked if estimate(t) <= seconds_left]
    if not fits:
        return sorted(ranked, key=estimate)
    return fits + [t for t in ranked if t not in fits]


def post_search_reserve(stop: StopRules, task: Task, n_folds: int, budget_seconds: float, metric: Metric,
                        explain: bool) -> Callable[[TrialResult], None]:
    """A trial callback that keeps time for what follows the search, estimated from the trials so far.

    The refit of the likely best model, an ensemble of the best trials, costs about one
    fold of each of its members on all the rows (``task.refit_seconds``); explanations
    predict on validation rows a few times per feature, which costs about as much again.
    The estimate is written to ``stop.reserve_seconds`` (at most a quarter of the budget).
    """
    n_folds = max(1, n_folds)
    key = sort_key(metric)
    best: list[TrialResult] = []

    def update(result: TrialResult) -> None:
        if not result.succeeded:
            return
        best.append(result)
        best.sort(key=lambda t: key(t.score))
        del best[RESERVED_MEMBERS:]
        refit = task.refit_seconds(best, n_folds)
        explaining = min(explanation_seconds(budget_seconds), max(1.0, refit)) if explain else 0.0
        estimate = FIXED_POST_SEARCH_SECONDS + refit + explaining
        stop.reserve_seconds = min(estimate, MAX_POST_SEARCH_RESERVE * budget_seconds)
    return update
