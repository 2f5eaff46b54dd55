"""The job engine: one skeleton runs a job of any task.

setup -> search (trials on the scheduler) -> ensembles -> refit of the best trial that fits
the time left -> test scoring -> the result -> explanations -> the observers' end.
Everything that depends on the task is asked of it (:class:`automl.tasks.Task`); every stage
after the search fits what is left before the job's limit (:mod:`automl.engine._budget`).
"""
from __future__ import annotations

import dataclasses
import logging
import threading
import time
from typing import TYPE_CHECKING, Any, Callable, Sequence

import guardrails
import pandas as pd

from automl.core import TrialResult, TrialSpec, release_freed_memory
from automl.engine._budget import (
    END_OF_JOB_SECONDS,
    JobClock,
    explanation_budget,
    insight_budget,
    post_search_reserve,
    result_write_seconds,
    trial_allowance,
)
from automl.engine._final_model import build_ensembles, refit_best
from automl.engine._checkpoint import EXTEND, RESUME, SUBMIT, JobSession, SearchCheckpoint, restore_search
from automl.engine._observers import ObserverGroup
from automl.engine._automl_result import AutoMLResult
from automl.engine._insights import Insights, compute_insights
from automl.engine.scheduler import (
    MemoryBudget,
    SchedulerStatus,
    StopRules,
    TrialEngine,
    TrialScheduler,
    cluster_for_training,
    make_engine,
    memory_growth,
)
from automl.engine.search import VARIANT_TRIALS, AdaptiveProposer, portfolio_configs
from automl.engine.state import JobLock, JobStateFolder, SavedJob, data_fingerprint
from automl.data import estimated_memory_bytes
from automl.errors import ConfigError, DataError, did_you_mean
from automl.explain import Explanation
from automl.tasks import PreparedData, Task, get_task

if TYPE_CHECKING:
    from automl.jobs import AutoMLJob

__all__ = ["STATE_FOLDER", "insights_after_the_job", "run_job"]

#: The state folder's name in a job's output folder (:mod:`automl.engine.state`).
STATE_FOLDER = "state"

logger = logging.getLogger("automl")


def _search(job: AutoMLJob, task: Task, prepared: PreparedData, stop: StopRules, watchers: ObserverGroup,
            engine: TrialEngine, cancel_event: threading.Event, memory_limit: int | None,
            held: Callable[[], int], session: JobSession) -> list[TrialResult]:
    """Run the portfolio and the adaptive search on ``engine`` until ``stop`` says so; trials are
    admitted within ``memory_limit`` (beside the ``held()`` bytes the job holds), and the memory
    guardrail lists those it skipped. A continued job (``session.saved``) starts where its search
    was, with its finished trials; every trial is written to the job's state folder."""
    metric = task.metric(job.primary_metric)
    algorithms = task.select_algorithms(job.training, prepared)
    proposer = AdaptiveProposer(algorithms, metric, seed=job.seed,
                                portfolio=portfolio_configs(task.name) if task.uses_portfolio else ())
    reserve = post_search_reserve(stop, task, prepared, job.limits.timeout_seconds, metric,
                                  job.training.enable_model_explainability, job.insights.enable_insights)
    restored, pending, first = session.restored_trials, [], session.first_iteration
    if session.saved is not None:
        pending = restore_search(session.saved, proposer, stop, algorithms, _namer(job),
                                 extend=session.kind == EXTEND)
        for result in restored:
            reserve(result)
    checkpoint = SearchCheckpoint(session.folder, proposer, stop, session.clock)

    def started(spec: TrialSpec) -> None:
        checkpoint.trial_started(spec)
        watchers.trial_started(spec)

    def finished(result: TrialResult) -> None:
        checkpoint.trial_finished(result)
        reserve(result)
        watchers.trial_finished(result)

    def tick(status: SchedulerStatus) -> None:
        checkpoint.tick()
        watchers.progress(status)

    data = prepared.trial_data()
    memory = None if memory_limit is None else MemoryBudget(
        memory_limit, lambda spec: task.trial_memory_bytes(spec, data), held)
    scheduler = TrialScheduler(engine, job.limits.trial_timeout_minutes * 60, _namer(job), cancel_event,
                               on_start=started, on_result=finished, on_tick=tick,
                               memory=memory, allowance_seconds=trial_allowance(job.limits.timeout_seconds),
                               first_iteration=first, pending=pending)
    trials = scheduler.run(proposer, data, stop)
    if memory is not None and memory.skipped:
        logger.warning("job %s: %d trial(s) skipped by memory_limit", job.name, len(memory.skipped))
        prepared.guardrails = guardrails.with_skipped_trials(prepared.guardrails, memory_limit, memory.skipped)
    return sorted(restored + trials, key=lambda t: t.iteration)


def _namer(job: AutoMLJob) -> Callable[[int], str]:
    """Azure's trial names: ``<job>_<iteration>``."""
    return lambda iteration: f"{job.name}_{iteration}"


def _status(stop: StopRules, best: TrialResult | None) -> str:
    if stop.canceled:
        return "Canceled"
    return "Completed" if best is not None else "Failed"


def _target_range(prepared: PreparedData) -> tuple[float, float] | None:
    low, high = getattr(prepared, "y_min", None), getattr(prepared, "y_max", None)
    return None if low is None or high is None else (float(low), float(high))


def _result(job: AutoMLJob, task: Task, prepared: PreparedData, stop: StopRules, trials: list[TrialResult],
            best_model: Any, best: TrialResult | None, test_metrics: dict[str, float] | None,
            clock: JobClock, notes: list[str], selection: str) -> AutoMLResult:
    """The job's result: built here, once, from what the job produced."""
    return AutoMLResult(
        name=job.name, task=task.name, primary_metric=job.primary_metric, status=_status(stop, best),
        stop_reason=stop.reason or "done", best_model=best_model, best_trial=best, trials=trials,
        metrics=dict(best.metrics) if best else {}, test_metrics=test_metrics, guardrails=prepared.guardrails,
        featurization_summary=pd.DataFrame(prepared.featurization_summary),
        validation=prepared.validation.to_dict(), duration_seconds=clock.elapsed,
        dropped_target_rows=prepared.dropped_target_rows, data_shape=prepared.data_shape,
        engineered_feature_names=prepared.engineered_feature_names, check_rows=prepared.check_rows(),
        datatransformer=prepared.datatransformer, timings=clock.timings,
        target_column_name=job.data.target_column_name, target_range=_target_range(prepared),
        concurrent_trials=job.limits.concurrent_trials(), pool_target=prepared.y,
        classes=None if prepared.classes is None else prepared.classes.tolist(),
        positive_label=prepared.positive_label, budget_notes=notes,
        selection=selection,
        **task.result_extras(prepared, best, best_model))


def _explain(job: AutoMLJob, task: Task, prepared: PreparedData, result: AutoMLResult,
             clock: JobClock) -> Explanation | None:
    """Explanations of the best model within what is left of the budget (skipped, with a note, when
    that is too little); a failure is logged, never raised."""
    seconds = explanation_budget(clock)
    if seconds <= 0:
        result.budget_notes.append(f"explanations skipped: {max(0.0, clock.left()):.1f} s were left before "
                                   "the job's limit (timeout_minutes + 5%)")
        return None
    try:
        return task.explain(result.best_model, prepared, job.primary_metric, seed=job.seed, max_seconds=seconds)
    except Exception as exc:  # explanations must never fail a job that has its model
        logger.warning("job %s: no explanation of the best model: %s: %s", job.name, type(exc).__name__, exc)
        return None


def _insights(job: AutoMLJob, task: Task, prepared: PreparedData, result: AutoMLResult,
              clock: JobClock) -> Insights | None:
    """The responsible-AI insights of the best model in what is left of the budget (skipped, with a note,
    when that is too little)."""
    seconds = insight_budget(clock)
    if seconds <= 0:
        result.budget_notes.append(f"insights skipped: {max(0.0, clock.left()):.1f} s were left before the job's "
                                   "limit (timeout_minutes + 5%)")
        return None
    return _best_model_insights(job, task, prepared, result, seconds)


def _best_model_insights(job: AutoMLJob, task: Task, prepared: PreparedData, result: AutoMLResult,
                         seconds: float) -> Insights:
    """The insights of ``result``'s best model with ``job.insights``' settings, in ``seconds``."""
    explanation = result.explanation
    importance = [] if explanation is None else list(explanation.raw_importance["feature"])
    settings = job.insights
    return compute_insights(result.best_model, task.insight_rows(prepared, result.best_trial, result.best_model),
                            classes=result.classes, positive_label=result.positive_label,
                            target_range=result.target_range, sensitive_features=settings.sensitive_features or [],
                            immutable_features=settings.immutable_features or [], importance=importance,
                            max_seconds=seconds, seed=job.seed, row_explainer=None if task.model_insights else (
                                lambda n, b, seed: task.explain_insight_rows(result.best_model, prepared, n, b, seed)))


def insights_after_the_job(saved: SavedJob, result: AutoMLResult, max_seconds: float) -> Insights:
    """The insights of a finished job's best model, later and with more time than the job had.

    The job's data are read again (``saved.job``, whose ``insights`` settings apply) and must be those
    it trained on; the rows are the job's own: its test data, else the best trial's out-of-fold
    validation predictions (:meth:`automl.tasks.Task.insight_rows`).

    Raises
    ------
    ConfigError
        The job had no best model, or a sensitive or immutable column is not in its data.
    DataError
        The job's data changed since it ran.
    """
    job = saved.job
    if result.best_model is None or result.best_trial is None:
        raise ConfigError(f"job {job.name!r} returned no model ({result.stop_reason}); there is nothing to explain.")
    if result.validation.get("method") == "holdout_partitions":  # trained distributed: its rows stay on the cluster
        raise ConfigError(f"job {job.name!r} trained on a Dask cluster, whose rows this process does not read; "
                          "give labelled rows to analyse (data=..., --data FILE).")
    task = get_task(job.task)
    prepared = task.prepare(job)
    _check_insight_columns(job, prepared)
    if _fingerprint(task, prepared) != saved.fingerprint:
        raise DataError(f"the data of job {job.name!r} changed since it ran (training_data {_source(job)}); its "
                        "validation predictions no longer match them. Restore the data, or give labelled rows "
                        "(result.compute_insights(data), --data).")
    return _best_model_insights(job, task, prepared, result, max_seconds)


def run_job(job: AutoMLJob, observers: Sequence[Any], *, compute: Any = "local",
            cancel_event: threading.Event | None = None, saved: SavedJob | None = None,
            kind: str = SUBMIT, started: float | None = None) -> AutoMLResult:
    """Run ``job`` to the end and return its result.

    Parameters
    ----------
    job : AutoMLJob
        A job whose settings were checked (``job.validate()``).
    observers : sequence of JobObserver
        Told about the job's progress (:mod:`automl.engine._observers`).
    compute : str or distributed.Client
        ``"local"`` or a Dask cluster (:func:`automl.engine.scheduler.make_engine`).
    cancel_event : threading.Event, optional
        Set it to stop the job: running trials stop, the best model so far is returned.
    saved : SavedJob, optional
        The state of the job's earlier sessions, to continue it (``kind`` "resume" or "extend").
    kind : str
        "submit" (a new job), "resume" (continue an interrupted job: its time spent and trials
        count) or "extend" (a finished job given more budget: ``job.limits`` are this session's).
    started : float, optional
        The ``time.monotonic()`` of the user's call, from which the job's time limit counts (default: now).

    Raises
    ------
    ConfigError
        Another process is running the job (its lock file is held).
    DataError
        A continued job's data differ from its first session's.
    """
    started = time.monotonic() if started is None else started
    folder = JobStateFolder(job.output_folder / STATE_FOLDER)
    lock = JobLock(folder.folder, job.name)
    try:
        lock.acquire()
    except OSError as exc:  # a folder it cannot write: the job runs, it only cannot be resumed
        if saved is not None:
            raise ConfigError(f"cannot take the lock of job {job.name!r} in {folder.folder}: {exc}") from None
        logger.warning("job %s: its state cannot be written to %s (%s); the job runs, but cannot be resumed",
                       job.name, folder.folder, exc)
        folder.enabled = False
    try:
        return _run_session(job, observers, compute, cancel_event or threading.Event(), saved, kind, folder, started)
    finally:
        lock.release()


def _fingerprint(task: Task, prepared: PreparedData) -> str:
    """The fingerprint of the job's data, which a continued job's must match (:func:`data_fingerprint`)."""
    folds = getattr(prepared.trial_data(), "folds", ())
    return data_fingerprint(prepared.X, prepared.y, folds, task.rows_not_held(prepared))


def _setup(job: AutoMLJob, task: Task, folder: JobStateFolder, saved: SavedJob | None, kind: str) -> PreparedData:
    """The task's setup, then the state folder: a new job's settings, or a check that a continued job's
    data are those of its first session."""
    prepared = task.prepare(job)
    _check_insight_columns(job, prepared)
    fingerprint = _fingerprint(task, prepared)
    if saved is None:
        folder.start(job, fingerprint)
    elif fingerprint != saved.fingerprint:
        raise DataError(f"the data of job {job.name!r} changed since its first session (training_data "
                        f"{_source(job)}: its rows, target or folds differ), so its {len(saved.trials)} finished "
                        "trials do not apply to them. Restore the data, or run a new job on the new data.")
    else:
        folder.continue_job(saved, kind, job)
    return prepared


def _check_insight_columns(job: AutoMLJob, prepared: PreparedData) -> None:
    unknown = [c for c in job.insights.columns() if c not in prepared.X.columns]
    if unknown:
        raise ConfigError(f"set_insights: column {unknown[0]!r} is not in training_data."
                          f"{did_you_mean(unknown[0], map(str, prepared.X.columns))} Columns: "
                          f"{', '.join(map(str, list(prepared.X.columns)[:30]))}.")


def _source(job: AutoMLJob) -> str:
    data = job.data.training_data
    return repr(str(getattr(data, "path", data))) if not isinstance(data, pd.DataFrame) else "(a DataFrame)"


def _run_session(job: AutoMLJob, observers: Sequence[Any], compute: Any, cancel_event: threading.Event,
                 saved: SavedJob | None, kind: str, folder: JobStateFolder, started: float) -> AutoMLResult:
    task = get_task(job.task)
    cluster, owned, why = cluster_for_training(compute, job.training.normalized().training_mode,
                                               estimated_memory_bytes(job.data.training_data))
    if cluster is not None:  # trials drive the cluster from a process here, one at a time
        try:
            task.check_distributed(job.training)
            task, compute = task.on_cluster(cluster, why), "local"
        except ConfigError as exc:
            if job.training.distributed:
                raise
            logger.warning("job %s: %s, but %s; its trials run on the cluster, each with the whole data", job.name,
                           why, exc)
            compute = cluster
    try:
        return _run_session_of(job, task, observers, compute, cancel_event, saved, kind, folder, started)
    finally:
        task.release()
        if cluster is not None and owned:
            cluster.close()


def _ensembles(job: AutoMLJob, task: Task, ensembles: Sequence[str], trials: list[TrialResult],
               prepared: PreparedData, clock: JobClock, session: JobSession, watchers: ObserverGroup,
               notes: list[str]) -> list[TrialResult]:
    """The ensemble trials, numbered after every trial of the job, each reported to the observers."""
    first = max(session.first_iteration, max((t.iteration for t in trials), default=-1) + 1)
    built = build_ensembles(job, task, ensembles, trials, prepared, clock, first, _namer(job), notes)
    for ensemble in built:
        watchers.trial_finished(ensemble)
    return built


def _explanations(job: AutoMLJob, task: Task, prepared: PreparedData, result: AutoMLResult, clock: JobClock,
                  notes: list[str]) -> None:
    """The best model's explanations and responsible-AI insights, as the job's settings ask, each lapped."""
    if job.training.enable_model_explainability:
        if task.explains_rows:
            result.explanation = _explain(job, task, prepared, result, clock)
        else:
            notes.append(f"explanations skipped: {task.no_explanation}")
        clock.lap("explanation")
    if job.insights.enable_insights:
        result.insights = _insights(job, task, prepared, result, clock)
        clock.lap("insights")


def _run_session_of(job: AutoMLJob, task: Task, observers: Sequence[Any], compute: Any,
                    cancel_event: threading.Event, saved: SavedJob | None, kind: str,
                    folder: JobStateFolder, started: float) -> AutoMLResult:
    limits = job.limits
    clock = JobClock(limits.timeout_seconds, saved.position.spent_seconds if saved and kind == RESUME else 0.0,
                     started)
    notes: list[str] = []
    # The memory limit is this machine's; on a Dask cluster the workers' own limits apply.
    local = compute in (None, "local")
    memory_limit = limits.memory_limit_bytes(guardrails.available_memory_bytes()) if local else None
    held = memory_growth()
    # The engine first: a Dask address that does not answer fails before any work.
    slots = 1 if task.trains_on_cluster else limits.concurrent_trials()
    engine = make_engine(compute, slots, job.primary_metric, limits.cores_per_trial())
    watchers = ObserverGroup(observers)
    ensembles = task.planned_ensembles(job.training, limits.max_trials)
    # Azure counts the ensembles inside max_trials: they are its last iterations.
    stop = StopRules(dataclasses.replace(limits, max_trials=limits.max_trials - len(ensembles)),
                     task.metric(job.primary_metric), started_at=clock.started, ensemble_trials=len(ensembles),
                     variant_trials=VARIANT_TRIALS)
    session = JobSession(kind, folder, clock, saved)
    watchers.session_started(job, kind)
    try:
        prepared = _setup(job, task, folder, saved, kind)
        clock.lap("setup")
        watchers.job_started(job, prepared)
        trials = _search(job, task, prepared, stop, watchers, engine, cancel_event, memory_limit, held, session)
    finally:
        engine.close()
    release_freed_memory()  # what the search freed, before the refit and the logging build on it
    clock.lap("search")
    if ensembles and not stop.canceled:
        trials = trials + _ensembles(job, task, ensembles, trials, prepared, clock, session, watchers, notes)
    clock.lap("ensembles")
    seconds_left = (float("inf") if stop.canceled  # canceled: the best so far, as promised
                    else clock.left(keep=END_OF_JOB_SECONDS))
    best_model, best, prepared, selection = refit_best(job, task, trials, prepared, seconds_left, notes)
    clock.lap("refit")
    test_metrics = task.score_test(best_model, prepared) if best_model is not None else None
    clock.lap("test")
    result = _result(job, task, prepared, stop, trials, best_model, best, test_metrics, clock, notes, selection)
    result.state_folder, result.sessions = str(folder.folder), folder.sessions
    result.previous_best = saved.manifest.get("best") if saved is not None else None
    watchers.model_ready(job, result)
    clock.lap("result")
    if best_model is not None:
        _explanations(job, task, prepared, result, clock, notes)
    result.duration_seconds = clock.elapsed
    # The logging is waited for until the limit, but for the time the result then takes to be written.
    watchers.finish_by(clock.limit - result_write_seconds(task, prepared, trials, best))
    watchers.job_finished(job, result)
    release_freed_memory()  # the logging's and the report's garbage, before the caller's next step
    clock.lap("tracking")
    result.tracking_errors.extend(watchers.errors)
    folder.finish(result.status, result.stop_reason, max([session.first_iteration - 1, *(t.iteration for t in trials)]) + 1,
                  best, result)
    return result
