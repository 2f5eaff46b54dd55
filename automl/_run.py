"""Runs a job: setup, trials on the scheduler, refit of the best, test scoring."""
from __future__ import annotations

import dataclasses
import logging
import os
import threading
import time
from typing import Any, Callable

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from threadpoolctl import threadpool_limits

from automl import metrics
from automl._observers import ObserverGroup, default_observers
from automl._setup import PreparedData, prepare
from automl.algorithms import registry_for_task
from automl.ensembles import build_ensemble_trials, planned_ensembles
from automl.export import validation_rows
from automl.refit import refit_trial
from automl.result import AutoMLResult
from automl.scheduler import TrialScheduler, make_engine
from automl.search import AdaptiveProposer
from automl.trials import StopRules, TrialResult

logger = logging.getLogger("automl")

#: A refit on all rows costs about this many times one fold of the trial, beyond the extra rows
#: (a k-fold trial fits on (k-1)/k of them; a train/validation split on about 90%).
REFIT_MARGIN = 1.1
HOLDOUT_TRAIN_SHARE = 0.9
#: Share of the budget the final refit may run past the job's time limit.
REFIT_GRACE_SHARE = 0.05
#: Raw cells (rows x columns) from which the final refit uses every core.
PARALLEL_REFIT_CELLS = 200_000
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


def _rank(trials: list[TrialResult], metric: str, task: str) -> list[TrialResult]:
    key = metrics.sort_key(metric, task)
    return sorted((t for t in trials if t.succeeded), key=lambda t: key(t.score))


def score_test(model: Pipeline, prepared: PreparedData) -> dict[str, float] | None:
    """Metrics of ``model`` on the test data, or None without test data."""
    if prepared.X_test is None:
        return None
    if prepared.task == "classification":
        proba = np.asarray(model.predict_proba(prepared.X_test))
        return metrics.score_classification(prepared.y_test, proba, np.asarray(model.classes_),
                                            sample_weight=prepared.w_test,
                                            positive_label=prepared.positive_label)
    prediction = np.asarray(model.predict(prepared.X_test), dtype=float)
    return metrics.score_regression(prepared.y_test.astype(float), prediction, y_min=prepared.y_min,
                                    y_max=prepared.y_max, sample_weight=prepared.w_test)


def _engineered_names(prepared: PreparedData) -> list[str]:
    try:
        return [str(n) for n in prepared.refit_transformer.get_feature_names_out()]
    except Exception:  # a transformer without names must not fail the job
        return []


def refit_threads(prepared: PreparedData) -> int:
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


def refit_estimate(trial: TrialResult, n_folds: int, workers: int = 1) -> float:
    """Seconds a refit of ``trial`` on all rows should take: one fold of each member, scaled up.

    An ensemble's members refit ``workers`` at a time: the estimate is their
    total over ``workers``, and at least the slowest member.
    """
    members = trial.ensemble.members if trial.ensemble is not None else [trial]
    return _parallel_refit_seconds(members, n_folds, workers)


def refit_factor(n_folds: int) -> float:
    """A refit on all rows over one fold of a trial: the ratio of their rows, plus a margin."""
    rows = n_folds / (n_folds - 1) if n_folds > 1 else 1 / HOLDOUT_TRAIN_SHARE
    return REFIT_MARGIN * rows


def _parallel_refit_seconds(members: list[TrialResult], n_folds: int, workers: int) -> float:
    folds = [m.duration_seconds / max(1, n_folds) for m in members]
    return refit_factor(n_folds) * max(sum(folds) / max(1, workers), max(folds, default=0.0))


def refit_order(ranked: list[TrialResult], n_folds: int, seconds_left: float,
                workers: int = 1) -> list[TrialResult]:
    """The trials to try refitting, in order: the best whose refit fits in ``seconds_left`` first.

    A trial whose refit would overrun the job's time limit goes after those that
    fit (as FLAML retrains within its budget); when none fits, the quickest first.
    """
    def estimate(trial: TrialResult) -> float:
        return refit_estimate(trial, n_folds, workers)

    fits = [t for t in ranked if estimate(t) <= seconds_left]
    if not fits:
        return sorted(ranked, key=estimate)
    return fits + [t for t in ranked if t not in fits]


def _refit_best(trials: list[TrialResult], prepared: PreparedData, job: Any, n_jobs: int,
                seconds_left: float = float("inf")) -> tuple[Pipeline | None, TrialResult | None]:
    ranked = _rank(trials, job.primary_metric, job.task)
    workers = refit_workers()
    order = refit_order(ranked, len(prepared.folds), seconds_left, workers)
    if order and ranked and order[0] is not ranked[0]:
        logger.warning("job %s: refitting %s instead of the best trial %s, whose refit (about %.0f s) "
                       "would overrun timeout_minutes", job.name, order[0].name, ranked[0].name,
                       refit_estimate(ranked[0], len(prepared.folds), workers))
    for candidate in order:
        try:
            # BLAS on one thread: it otherwise fights the boosters' OpenMP threads for the cores.
            with threadpool_limits(limits=1, user_api="blas"):
                return refit_trial(candidate, prepared, n_jobs, workers), candidate
        except Exception as exc:  # fall back to the next best trial
            candidate.error = f"refit failed: {type(exc).__name__}: {exc}"
    return None, None


def _ensembles(job: Any, trials: list[TrialResult], prepared: PreparedData,
               watchers: ObserverGroup) -> list[TrialResult]:
    """VotingEnsemble and StackEnsemble as the last trials (not after a cancellation)."""
    ensembles = build_ensemble_trials(
        trials, prepared, job.training, primary_metric=job.primary_metric, task=job.task,
        max_trials=job.limits.max_trials,
        start_iteration=max((t.iteration for t in trials), default=-1) + 1,
        name_of=lambda i: f"{job.name}_{i}", seed=job.seed)
    for ensemble in ensembles:
        watchers.trial_finished(ensemble)
    return ensembles


def _reserve_post_search_time(stop: StopRules, prepared: PreparedData, budget_seconds: float,
                               task: str, primary_metric: str, explain: bool):
    """Keep time for what follows the search, estimated from the trials so far.

    The refit of the likely best model, an ensemble of the best trials, costs
    about one fold of each of its members on all the rows; explanations predict
    on validation rows a few times per feature, which costs about as much again.
    """
    n_folds = max(1, len(prepared.folds))
    key = metrics.sort_key(primary_metric, task)
    best: list[TrialResult] = []

    def update(result: TrialResult) -> None:
        if not result.succeeded:
            return
        best.append(result)
        best.sort(key=lambda t: key(t.score))
        del best[RESERVED_MEMBERS:]
        refit = _parallel_refit_seconds(best, n_folds, refit_workers())
        explaining = min(explanation_seconds(budget_seconds), max(1.0, refit)) if explain else 0.0
        estimate = FIXED_POST_SEARCH_SECONDS + refit + explaining
        stop.reserve_seconds = min(estimate, MAX_POST_SEARCH_RESERVE * budget_seconds)
    return update


def _search(job: Any, prepared: PreparedData, stop: StopRules, watchers: ObserverGroup,
            engine: Any, cancel_event: threading.Event) -> list[TrialResult]:
    training, limits = job.training, job.limits
    algorithms = registry_for_task(job.task).select(
        training.allowed_training_algorithms, training.blocked_training_algorithms,
        onnx_only=training.enable_onnx_compatible_models, n_rows=prepared.n_train_rows,
        sample_weight=prepared.sample_weight is not None)
    proposer = AdaptiveProposer(algorithms, job.primary_metric, job.task, seed=job.seed)
    reserve = _reserve_post_search_time(stop, prepared, limits.timeout_minutes * 60, job.task,
                                        job.primary_metric, training.enable_model_explainability)

    return schedule_trials(job, prepared.trial_data(), proposer, stop, watchers, engine, cancel_event,
                           reserve)


def schedule_trials(job: Any, data: Any, proposer: Any, stop: StopRules, watchers: ObserverGroup,
                    engine: Any, cancel_event: threading.Event,
                    on_result: Any = None) -> list[TrialResult]:
    """Run ``proposer``'s trials on ``engine`` until ``stop`` says so (any task).

    ``on_result`` sees every finished trial before the observers do.
    """
    def finished(result: TrialResult) -> None:
        if on_result is not None:
            on_result(result)
        watchers.trial_finished(result)

    scheduler = TrialScheduler(engine, job.limits.trial_timeout_minutes * 60, lambda i: f"{job.name}_{i}",
                               cancel_event, on_start=watchers.trial_started, on_result=finished,
                               on_tick=watchers.progress)
    return scheduler.run(proposer, data, stop)


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


def explain_safely(job: Any, explain: Callable[[], Any]) -> Any:
    """``explain()``, or None with a warning when it fails: explanations never fail a job (any task)."""
    try:
        return explain()
    except Exception as exc:  # explanations must never fail a job that has its model
        logger.warning("job %s: no explanation of the best model: %s: %s", job.name,
                       type(exc).__name__, exc)
        return None


def _explain(model: Pipeline, prepared: PreparedData, job: Any, result: AutoMLResult,
             max_seconds: float) -> Any:
    """Explanations of the best model (:mod:`automl.explain`); a failure is logged, not raised."""
    from automl.explain import explain_job

    return explain_safely(job, lambda: explain_job(
        model, prepared, job.primary_metric, result.engineered_feature_names, seed=job.seed,
        max_seconds=max_seconds))


def run_status(stop: StopRules, best: TrialResult | None) -> str:
    if stop.canceled:
        return "Canceled"
    return "Completed" if best is not None else "Failed"


def run_job(job: Any, observers: list | None = None, *, compute: Any = "local",
            show_progress: bool = True, cancel_event: threading.Event | None = None) -> AutoMLResult:
    """Run ``job`` to the end and return its result."""
    if job.task == "forecasting":  # series, rolling-origin folds and forecasters: automl.forecasting runs it
        from automl.forecasting import run_forecasting_job

        return run_forecasting_job(job, observers, compute=compute, show_progress=show_progress,
                                   cancel_event=cancel_event)
    started = time.monotonic()
    limits = job.limits
    # The engine first: a Dask address that does not answer fails before any work.
    engine = make_engine(compute, limits.concurrent_trials(), job.primary_metric, limits.cores_per_trial())
    watchers = ObserverGroup(default_observers(job, show_progress) if observers is None else observers)
    # Azure counts the ensembles inside max_trials: they are its last iterations.
    n_ensembles = len(planned_ensembles(job.training, task=job.task, max_trials=limits.max_trials))
    stop = StopRules(dataclasses.replace(limits, max_trials=limits.max_trials - n_ensembles),
                     job.primary_metric, job.task, ensemble_trials=n_ensembles)
    timings: dict[str, float] = {}
    mark = time.monotonic()
    try:
        prepared = prepare(job.data, job.featurization, task=job.task,
                           positive_label=getattr(job, "positive_label", None),
                           onnx_compatible=job.training.enable_onnx_compatible_models, seed=job.seed,
                           primary_metric=job.primary_metric)
        timings["setup"], mark = time.monotonic() - mark, time.monotonic()
        watchers.job_started(job, prepared)
        trials = _search(job, prepared, stop, watchers, engine, cancel_event or threading.Event())
    finally:
        engine.close()
    timings["search"], mark = time.monotonic() - mark, time.monotonic()
    if not stop.canceled:
        trials = trials + _ensembles(job, trials, prepared, watchers)
    timings["ensembles"], mark = time.monotonic() - mark, time.monotonic()
    seconds_left = (float("inf") if stop.canceled  # canceled: the best so far, as promised
                    else stop.remaining_seconds() + REFIT_GRACE_SHARE * limits.timeout_minutes * 60)
    best_model, best = _refit_best(trials, prepared, job, refit_threads(prepared), seconds_left)
    timings["refit"], mark = time.monotonic() - mark, time.monotonic()
    test_metrics = score_test(best_model, prepared) if best_model is not None else None
    timings["test"] = time.monotonic() - mark
    result = AutoMLResult(
        name=job.name, task=job.task, primary_metric=job.primary_metric, status=run_status(stop, best),
        stop_reason=stop.reason or "done", best_model=best_model, best_trial=best, trials=trials,
        metrics=dict(best.metrics) if best else {}, test_metrics=test_metrics,
        guardrails=prepared.guardrails,
        featurization_summary=pd.DataFrame(prepared.featurization_summary),
        validation=prepared.validation.to_dict(), duration_seconds=time.monotonic() - started,
        dropped_target_rows=prepared.dropped_target_rows, data_shape=tuple(prepared.X.shape),
        engineered_feature_names=_engineered_names(prepared), check_rows=validation_rows(prepared),
        datatransformer=prepared.refit_transformer, timings=timings,
        concurrent_trials=limits.concurrent_trials())
    result.pool_target = prepared.y
    result.classes = None if prepared.classes is None else prepared.classes.tolist()
    watchers.model_ready(job, result)
    return explain_and_finish(job, result, watchers, stop, started,
                              lambda seconds: _explain(best_model, prepared, job, result, seconds))


def explain_and_finish(job: Any, result: AutoMLResult, watchers: ObserverGroup, stop: StopRules,
                       started: float, explain: Callable[[float], Any]) -> AutoMLResult:
    """The end of a job (any task): explanations within their budget, then the observers' end.

    ``explain(max_seconds)`` explains the best model; it runs when the job asks for
    explanations and has a model. ``started`` is the job's ``time.monotonic()`` start.
    """
    timings = result.timings
    if job.training.enable_model_explainability and result.best_model is not None:
        mark = time.monotonic()
        seconds = explanation_budget(job.limits.timeout_minutes * 60, stop.remaining_seconds())
        result.explanation = explain(seconds)
        timings["explanation"] = time.monotonic() - mark
    result.duration_seconds = time.monotonic() - started
    mark = time.monotonic()
    watchers.job_finished(job, result)
    timings["tracking"] = time.monotonic() - mark
    result.tracking_errors.extend(watchers.errors)
    return result
