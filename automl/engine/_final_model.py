"""After the search: the ensembles of the trials, then the final model, each within the time left.

The ensembles leave out members whose final models would not let theirs fit the time left before the
job's limit (:func:`~automl.engine._budget.final_model_time`); the refit then takes the best trial whose
final model fits (:func:`~automl.engine._budget.refit_order`), and is not waited for past the limit. Both say
what they gave up in the job's notes (``result.budget_notes``).
"""
from __future__ import annotations

import copy
import logging
import math
import time
from typing import TYPE_CHECKING, Any, Callable

from automl.core import CANCELED, RETURN_SECONDS, PastDeadline, TrialResult, run_by
from automl.engine._budget import (
    END_OF_JOB_SECONDS,
    JobClock,
    ensemble_budget,
    final_model_time,
    logging_seconds,
    refit_estimate,
    refit_order,
)
from automl.ensembles import LEFT_OUT_TO_FIT_TIME
from automl.tasks import PreparedData, Task

if TYPE_CHECKING:
    from automl.jobs import AutoMLJob

__all__ = ["build_ensembles", "refit_best"]

logger = logging.getLogger("automl")


def build_ensembles(job: AutoMLJob, task: Task, kinds: list[str], trials: list[TrialResult], prepared: PreparedData,
                    clock: JobClock, first: int, name_of: Callable[[int], str], notes: list[str]) -> list[TrialResult]:
    """The ensemble trials ``kinds`` (iterations from ``first``), of members whose final model fits what
    will be left before the job's limit once the ensembles are built; a note names the members an
    ensemble left out for that.

    The ensembles may take :func:`ensemble_budget` (one skipped for it is a note too), so their final
    model is held to the time left after it: held to the time left now, an ensemble admitted within a
    second of the limit no longer fit when its refit came, and a single trial was refit in its place
    (loans at 60 s: the best trial's CatBoost alone, r2 0.458 and 0.464 where the ensembles of other
    runs gave 0.467-0.472).
    """
    budget = ensemble_budget(clock)
    final_time = final_model_time(task, prepared, clock.left(keep=END_OF_JOB_SECONDS) - budget)
    built = task.build_ensembles(kinds, trials, prepared, job, first, name_of,
                                 max_seconds=budget, final_time=final_time)
    for ensemble in built:
        note = _budget_note(ensemble, final_time.seconds_left)
        if note:
            logger.warning("job %s: %s", job.name, note)
            notes.append(note)
    return built


def _budget_note(ensemble: TrialResult, seconds_left: float) -> str | None:
    """What the time made ``ensemble`` give up, in one sentence: itself (skipped for the ensembles'
    budget) or members (left out for the final model's time); None when nothing."""
    if ensemble.status == CANCELED:
        return f"{ensemble.name} ({ensemble.algorithm}) {ensemble.error}"
    left_out = ensemble.params.get(LEFT_OUT_TO_FIT_TIME)
    if not left_out:
        return None
    return (f"{ensemble.name} ({ensemble.algorithm}) leaves out trial(s) {', '.join(str(i) for i in left_out)}: "
            f"with them its final model and the logging of it would not fit the {max(0.0, seconds_left):.0f} s "
            "left before the job's limit once the ensembles are built")


def _lighter_if_needed(task: Task, best: TrialResult, prepared: PreparedData, seconds_left: float,
                       notes: list[str]) -> PreparedData:
    """``prepared`` set for the task's lighter final models when the planned one of ``best`` would not fit
    ``seconds_left`` (a note says so): with little time, every trial's lighter form is the better bet.
    Else ``prepared`` as it is."""
    planned = refit_estimate(task, best, prepared)
    lighter = task.lighter_final_model(prepared) if planned > seconds_left else None
    if lighter is None:
        return prepared
    notes.append(f"{lighter[1]}: that of the best trial {best.name} ({best.display_name}) would take about "
                 f"{planned:.0f} s with its logging, more than the {max(0.0, seconds_left):.0f} s left before "
                 "the job's limit")
    return lighter[0]


def refit_best(job: AutoMLJob, task: Task, trials: list[TrialResult], prepared: PreparedData,
                seconds_left: float, notes: list[str]) -> tuple[Any, TrialResult | None, PreparedData, str]:
    """The best trial whose final model fits in ``seconds_left`` (else the quickest), fitted; the next on
    failure. "Best" is the task's choice (:meth:`Task.choose_final`: forecasting's floor). When the planned
    final model of the best trial would not fit, the task's lighter forms are used. Each refit is waited for
    until the job's limit (at least its estimate, :func:`_refit_by`); after one is left behind there, only a
    trial whose refit fits what is left may follow, and a note says which gave no model. Also returned: the
    ``prepared`` data the model was fitted with (each refit gets a shallow copy and writes what it cut, such as
    a bag's folds left out, to it: one left behind never writes to the job's), and why the fitted trial was
    chosen over the best validation score ("" when it was not).
    """
    ranked, selection = task.choose_final(task.rank(trials, job.primary_metric), prepared, job.primary_metric)
    if selection:
        logger.warning("job %s: %s", job.name, selection)
    if ranked:
        prepared = _lighter_if_needed(task, ranked[0], prepared, seconds_left, notes)

    def estimate(trial: TrialResult) -> float:
        return refit_estimate(task, trial, prepared)

    order, started, late = refit_order(ranked, estimate, seconds_left), time.monotonic(), False
    if order and order[0] is not ranked[0]:
        note = (f"refit {order[0].name} ({order[0].display_name}) instead of the best trial {ranked[0].name}, "
                f"whose refit and logging (about {estimate(ranked[0]):.0f} s) would not fit the "
                f"{max(0.0, seconds_left):.0f} s left before the job's limit")
        logger.warning("job %s: %s", job.name, note)
        notes.append(note)
    for candidate in order:
        if late and estimate(candidate) > seconds_left - (time.monotonic() - started):
            continue  # a refit was left behind at the job's limit: only one that fits what is left
        attempt = copy.copy(prepared)  # the refit's own: one left behind goes on writing to it, not to the job's
        try:
            model = _refit_by(task, candidate, attempt, max(seconds_left - (time.monotonic() - started),
                                                            estimate(candidate)), notes)
            return model, candidate, attempt, selection if candidate is ranked[0] else ""
        except PastDeadline as exc:
            candidate.error = f"refit stopped: {exc}"
            late = True
            note = f"no final model from {candidate.name} ({candidate.display_name}): {exc}"
            logger.warning("job %s: %s", job.name, note)
            notes.append(note)
        except Exception as exc:  # fall back to the next best trial
            candidate.error = f"refit failed: {type(exc).__name__}: {exc}"
    return None, None, prepared, ""


def _refit_by(task: Task, trial: TrialResult, prepared: PreparedData, seconds: float, notes: list[str]) -> Any:
    """``task.refit(trial)`` waited for ``seconds`` at most (all of them when infinite); past them it is left
    running on a daemon thread and :class:`~automl.core.PastDeadline` is raised. The task's own deadline comes
    the logging of the model and :data:`~automl.core.RETURN_SECONDS` earlier (at most half of ``seconds``):
    what it cuts lets the model be logged by the limit. What the task says it cut is added to ``notes``."""
    if math.isinf(seconds):
        return task.refit(trial, prepared)
    deadline = time.monotonic() + seconds
    members = trial.ensemble.members if trial.ensemble is not None else [trial]
    fits_by = deadline - min(logging_seconds(task.final_model_bytes(members, prepared)) + RETURN_SECONDS,
                             seconds / 2)
    own_notes: list[str] = []  # not the job's: a refit left behind may still write to its own
    (model,) = run_by([lambda: task.refit(trial, prepared, deadline=fits_by, notes=own_notes)], deadline,
                      name="automl-final-model")
    if isinstance(model, PastDeadline):
        raise PastDeadline(f"its refit was not done {seconds:.0f} s after it began, at the job's limit")
    notes.extend(own_notes)
    return model
