"""The job's time budget: the search keeps time for what follows it, and what follows fits the time left.

The promise: ``submit()`` returns within ``timeout_minutes`` plus :data:`GRACE_SHARE` of it.
The search keeps time for what follows it (the ensembles, the refit of the likely best model
with the logging of it, the explanations and the end of the job), estimated from the trials
as they finish. After the search, each stage fits what is left before the job's limit: the
refit tries the best trial whose estimated refit (logging included) fits, the explanations
shrink or are skipped, and what MLflow has not logged by the limit goes on in the background.
"""
from __future__ import annotations

import time
from typing import TYPE_CHECKING, Callable

from automl.core import TrialResult
from automl.ensembles import FinalModelTime
from automl.metrics import Metric, sort_key

if TYPE_CHECKING:
    from automl.engine.scheduler import StopRules
    from automl.tasks import PreparedData, Task

__all__ = ["END_OF_JOB_SECONDS", "GRACE_SHARE", "JobClock", "explanation_budget", "explanation_seconds",
           "final_model_estimate", "final_model_time", "insight_budget", "logging_seconds", "post_search_reserve",
           "refit_estimate", "refit_order", "result_write_seconds", "trial_allowance"]

#: Share of ``timeout_minutes`` a job may take beyond it: the promise is budget + 5%.
GRACE_SHARE = 0.05
#: Seconds kept after the explanations for the end of the job (the report, the last MLflow calls).
END_OF_JOB_SECONDS = 2.0
#: Writing the job's result to its state folder: its bytes at the logging's rate (letter_recognition's 14 MB
#: took 0.14-0.17 s) and this fixed margin for what follows the wait, sharing the interpreter with the
#: logging still running (with 0.05 s, that job ended 0.02 s past its limit).
RESULT_WRITE_FIXED_SECONDS = 0.25
#: The ensembles may take this share of the time left after the search.
ENSEMBLE_SHARE = 0.25
#: Logging a model to MLflow: a fixed cost (environment, signature) plus its pickled bytes at this rate.
LOGGING_FIXED_SECONDS, LOGGING_BYTES_PER_SECOND = 1.0, 100 * 2**20
#: A refit's time over its estimate at the high end: the estimate scales one fold's time, and a refit
#: on all rows (more memory traffic, members sharing the cores) ran up to 1.2x that in the benchmarks.
REFIT_SAFETY = 1.25
#: Refit estimates within this many seconds of the quickest count as quick as it: at a budget of seconds,
#: every estimate is about the fixed logging cost, and the quickest may be a far worse model (sonar at 6 s
#: refit a LightGBM of validation AUC 0.5, a constant, over one of 0.93 whose estimate was 0.1 s longer).
REFIT_ESTIMATE_RESOLUTION = 0.5
#: The best trials whose refits the reserve counts (an ensemble refits its members).
RESERVED_MEMBERS = 5
#: Seconds always kept for the ensembles' selection and the end of the job (tracking, report).
FIXED_POST_SEARCH_SECONDS = 5.0
#: A trial's time allowance: this share of the budget, and at least MIN_TRIAL_ALLOWANCE seconds.
TRIAL_ALLOWANCE_SHARE, MIN_TRIAL_ALLOWANCE = 0.15, 10.0
#: The explanations' share of the job's budget, and its bounds: with setup, ensembles and tracking,
#: what follows the search stays under a tenth of the job however long the budget.
EXPLANATION_SHARE, MIN_EXPLANATION_SECONDS, MAX_EXPLANATION_SECONDS = 0.05, 2.0, 30.0


class JobClock:
    """A job's start, its time limit, and the seconds spent in each stage (``result.timings``).

    ``limit`` is the promise: the start plus ``timeout_minutes`` plus :data:`GRACE_SHARE` of it. The
    start is ``started`` (a ``time.monotonic()``: the user's call, so the promise counts what precedes the
    job's run) or now. ``spent_seconds`` were spent by an earlier session of the job (resume): the clock
    starts that much in the past, so the limit counts the time spent, not the gap between the sessions.
    """

    def __init__(self, budget_seconds: float, spent_seconds: float = 0.0, started: float | None = None) -> None:
        begun = time.monotonic() if started is None else started
        self.started = begun - spent_seconds
        self.budget_seconds = budget_seconds
        self.limit = self.started + budget_seconds * (1 + GRACE_SHARE)
        self.timings: dict[str, float] = {}
        self._mark = begun

    def lap(self, stage: str) -> None:
        """Record the time since the last lap as ``stage``."""
        now = time.monotonic()
        self.timings[stage] = now - self._mark
        self._mark = now

    @property
    def elapsed(self) -> float:
        """Seconds since the job started."""
        return time.monotonic() - self.started

    def left(self, keep: float = 0.0) -> float:
        """Seconds left before the limit, after ``keep`` seconds kept for what follows."""
        return self.limit - time.monotonic() - keep


def trial_allowance(budget_seconds: float) -> float:
    """Seconds a trial may take before a learner that grows tree by tree stops adding trees, so that
    one slow learner on large data cannot hold a slot for the whole search.

    >>> trial_allowance(60), trial_allowance(600)
    (10.0, 90.0)
    """
    return max(MIN_TRIAL_ALLOWANCE, TRIAL_ALLOWANCE_SHARE * budget_seconds)


def explanation_seconds(budget_seconds: float) -> float:
    """Time the explanations may take: 5% of the job's budget, between 2 s and 30 s.

    Fewer validation rows are shuffled when a timed prediction shows the full
    sample would take longer (:func:`automl.explain.explain_model`).

    >>> explanation_seconds(20), explanation_seconds(300), explanation_seconds(3600)
    (2.0, 15.0, 30.0)
    """
    return min(MAX_EXPLANATION_SECONDS, max(MIN_EXPLANATION_SECONDS, EXPLANATION_SHARE * budget_seconds))


def ensemble_budget(clock: JobClock) -> float:
    """Seconds building the ensembles may take: :data:`ENSEMBLE_SHARE` of what is left before the job's
    limit after :data:`END_OF_JOB_SECONDS` (the refit and what follows it need the rest); at least 1."""
    return max(1.0, ENSEMBLE_SHARE * clock.left(keep=END_OF_JOB_SECONDS))


def explanation_budget(clock: JobClock) -> float:
    """Seconds the explanations may take: :func:`explanation_seconds`, cut to what is left before the
    job's limit after :data:`END_OF_JOB_SECONDS`; 0 when that is under the 2-second minimum (skipped)."""
    seconds = min(explanation_seconds(clock.budget_seconds), clock.left(keep=END_OF_JOB_SECONDS))
    return seconds if seconds >= MIN_EXPLANATION_SECONDS else 0.0


def insight_budget(clock: JobClock) -> float:
    """Seconds the responsible-AI insights may take: as the explanations (:func:`explanation_budget`), from
    what is left after them; 0 when that is under the minimum (skipped, with a note)."""
    return explanation_budget(clock)


def logging_seconds(model_bytes: int) -> float:
    """Seconds logging a model of ``model_bytes`` (pickled) to MLflow should take."""
    return LOGGING_FIXED_SECONDS + max(0, model_bytes) / LOGGING_BYTES_PER_SECOND


def result_write_seconds(task: Task, prepared: PreparedData, trials: list[TrialResult],
                         best: TrialResult | None) -> float:
    """Seconds writing a job's result (``result.pkl``, after the logging is waited for) should take: its
    largest parts are the trials' validation predictions and the final model of ``best``."""
    arrays = sum(a.nbytes for t in trials for a in (t.valid_predictions, t.valid_rows) if a is not None)
    model = 0 if best is None else task.final_model_bytes(
        best.ensemble.members if best.ensemble is not None else [best], prepared)
    return RESULT_WRITE_FIXED_SECONDS + (arrays + max(0, model)) / LOGGING_BYTES_PER_SECOND


def final_model_estimate(task: Task, members: list[TrialResult], prepared: PreparedData) -> float:
    """Seconds the final model of ``members`` (one trial, or an ensemble's members) should take to train
    (a refit on all rows or a bag, ``task.final_fit_seconds``), and the logging of the model it makes (from
    the members' model sizes measured in their trials), at the high end of what it may take
    (:data:`REFIT_SAFETY`)."""
    return (REFIT_SAFETY * task.final_fit_seconds(members, prepared)
            + logging_seconds(task.final_model_bytes(members, prepared)))


def refit_estimate(task: Task, trial: TrialResult, prepared: PreparedData) -> float:
    """:func:`final_model_estimate` of ``trial`` (an ensemble: of all its members)."""
    return final_model_estimate(task, trial.ensemble.members if trial.ensemble is not None else [trial], prepared)


def final_model_time(task: Task, prepared: PreparedData, seconds_left: float) -> FinalModelTime:
    """What the final model of an ensemble may take: ``seconds_left``, and its estimate from its members
    (:func:`final_model_estimate`) in its planned form or, when quicker, in the task's lighter form
    (``task.lighter_final_model``), which the refit takes when the planned one would not fit."""
    lighter = task.lighter_final_model(prepared)
    forms = [prepared] if lighter is None else [prepared, lighter[0]]

    def seconds(members: list[TrialResult]) -> float:
        return min(final_model_estimate(task, members, form) for form in forms)
    return FinalModelTime(seconds, seconds_left)


def refit_order(ranked: list[TrialResult], estimate: Callable[[TrialResult], float],
                seconds_left: float) -> list[TrialResult]:
    """The trials to try refitting, in order: the best whose refit fits in ``seconds_left`` first.

    A trial whose refit would overrun the job's time limit goes after those that
    fit (as FLAML retrains within its budget); when none fits, the quickest first, or the
    best of those within :data:`REFIT_ESTIMATE_RESOLUTION` of it.
    """
    if not ranked:
        return []
    quickest = min(estimate(t) for t in ranked)
    fits = [t for t in ranked if estimate(t) <= max(seconds_left, quickest + REFIT_ESTIMATE_RESOLUTION)]
    rest = [t for t in ranked if t not in fits]
    return fits + (sorted(rest, key=estimate) if seconds_left < quickest else rest)  # none fits: quickest first


def post_search_reserve(stop: StopRules, task: Task, prepared: PreparedData, budget_seconds: float, metric: Metric,
                        explain: bool, insights: bool = False) -> Callable[[TrialResult], None]:
    """A trial callback that keeps time for what follows the search, estimated from the trials so far.

    The refit of the likely best model, an ensemble of the best trials, costs about one
    fold of each of its members on all the rows, or a bag its folds again (``task.final_fit_seconds``); explanations
    predict on validation rows a few times per feature, which costs about as much again, and so do the
    responsible-AI insights when the job computes them.
    The estimate is written to ``stop.reserve_seconds`` (at most ``task.max_post_search_share`` of the budget).
    """
    key = sort_key(metric)
    best: list[TrialResult] = []

    def update(result: TrialResult) -> None:
        if not result.succeeded:
            return
        best.append(result)
        best.sort(key=lambda t: key(t.score))
        del best[RESERVED_MEMBERS:]
        refit = final_model_estimate(task, best, prepared)
        explaining = min(explanation_seconds(budget_seconds), max(1.0, refit)) * (int(explain) + int(insights))
        estimate = FIXED_POST_SEARCH_SECONDS + refit + explaining
        stop.reserve_seconds = min(estimate, task.max_post_search_share * budget_seconds)
    return update
