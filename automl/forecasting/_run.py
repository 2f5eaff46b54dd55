"""Runs a forecasting job: setup, trials on the scheduler, VotingEnsemble, refit, test, result."""
from __future__ import annotations

import dataclasses
import os
import threading
import time
from typing import Any

import numpy as np
import pandas as pd

from automl import metrics
from automl._observers import ObserverGroup, default_observers
from automl._run import explain_and_finish, explain_safely, run_status, schedule_trials
from automl.algorithms import registry_for_task
from automl.forecasting._ensemble import build_vote
from automl.forecasting._explain import explain_forecaster
from automl.forecasting._intervals import residual_scales
from automl.forecasting._metrics import score_forecast
from automl.forecasting._model import ForecastingModel
from automl.forecasting._setup import ForecastPrepared, prepare_forecasting
from automl.forecasting._trial import make_forecaster
from automl.result import AutoMLResult
from automl.scheduler import make_engine
from automl.search import AdaptiveProposer
from automl.trials import StopRules, TrialResult

__all__ = ["run_forecasting_job", "refit_forecaster", "backtest_frame"]


#: Share of the budget the search leaves at most for the final refit.
MAX_REFIT_RESERVE = 0.25


def _scales(trial: TrialResult, prepared: ForecastPrepared) -> tuple[dict[tuple, np.ndarray], np.ndarray]:
    """Error scale per series and step, and the back-test errors in units of those scales."""
    data = prepared.trial
    errors = data.y_true - np.asarray(trial.valid_predictions, dtype=float)
    sigma = residual_scales(errors, data.instance_series, data.instance_step, len(prepared.series),
                            prepared.spec.horizon)
    standard = errors / sigma[data.instance_series, data.instance_step - 1]
    return {s.key: sigma[i] for i, s in enumerate(prepared.series)}, standard[np.isfinite(standard)]


def refit_forecaster(trial: TrialResult, prepared: ForecastPrepared, n_jobs: int = 1) -> ForecastingModel:
    """The forecaster of ``trial`` (or the members of a VotingEnsemble) fitted on the full histories."""
    registry = registry_for_task("forecasting")
    members = trial.ensemble.members if trial.ensemble is not None else [trial]
    weights = list(trial.ensemble.weights) if trial.ensemble is not None else None
    forecasters = [(m.name, make_forecaster(registry[m.algorithm], m.params, n_jobs)) for m in members]
    scales, standard_errors = _scales(trial, prepared)
    model = ForecastingModel(forecasters, weights, scales, standard_errors)
    return model.fit(prepared.series, prepared.spec)


def _refit_best(trials: list[TrialResult], prepared: ForecastPrepared, job: Any) -> tuple[Any, Any]:
    key = metrics.sort_key(job.primary_metric, "forecasting")
    for candidate in sorted((t for t in trials if t.succeeded), key=lambda t: key(t.score)):
        try:
            return refit_forecaster(candidate, prepared, os.cpu_count() or 1), candidate
        except Exception as exc:  # fall back to the next best trial
            candidate.error = f"refit failed: {type(exc).__name__}: {exc}"
    return None, None


def _score_test(model: ForecastingModel | None, prepared: ForecastPrepared) -> dict[str, float] | None:
    if model is None or prepared.X_test is None:
        return None
    prediction = model.predict(prepared.X_test)
    keys = [tuple(row) for row in prepared.X_test[prepared.spec.id_columns].itertuples(index=False, name=None)] \
        if prepared.spec.id_columns else [()] * len(prepared.X_test)
    index = {s.key: i for i, s in enumerate(prepared.series)}
    data = prepared.trial
    return score_forecast(prepared.y_test, prediction, np.array([index[k] for k in keys]), data.range_min,
                          data.range_max, data.scale)


def backtest_frame(trial: TrialResult | None, prepared: ForecastPrepared,
                   model: ForecastingModel | None) -> pd.DataFrame:
    """The last validation window of every series: series, time, actual, forecast, 95% lower and upper."""
    data = prepared.trial
    columns = ["series", "time", "actual", "forecast", "lower", "upper"]
    if trial is None or model is None or trial.valid_predictions is None or not data.cuts:
        return pd.DataFrame(columns=columns)
    scales, z_low, z_high = model.residual_scales, model._z(0.025), model._z(0.975)
    last = data.instance_fold == len(data.cuts) - 1
    rows = []
    for i, cut in data.cuts[-1]:
        s = prepared.series[i]
        chosen = last & (data.instance_series == i)
        steps = data.instance_step[chosen]
        sigma = (scales or {}).get(s.key, model.fallback_scale_)[steps - 1]
        forecast = np.asarray(trial.valid_predictions, dtype=float)[chosen]
        rows.append(pd.DataFrame({"series": s.label, "time": s.times[cut + steps - 1], "actual": data.y_true[chosen],
                                  "forecast": forecast, "lower": forecast + z_low * sigma,
                                  "upper": forecast + z_high * sigma}))
    return pd.concat(rows, ignore_index=True)


def _reserve(stop: StopRules, prepared: ForecastPrepared, budget_seconds: float):
    n_folds = max(1, prepared.spec.n_cross_validations)

    def on_result(result: TrialResult) -> None:
        if result.succeeded and result.score == stop.best:
            stop.reserve_seconds = min(result.duration_seconds / n_folds * 1.5, MAX_REFIT_RESERVE * budget_seconds)
    return on_result


def _search(job: Any, prepared: ForecastPrepared, stop: StopRules, watchers: ObserverGroup, engine: Any,
            cancel_event: threading.Event) -> list[TrialResult]:
    training, limits = job.training, job.limits
    algorithms = registry_for_task("forecasting").select_for(
        training.allowed_training_algorithms, training.blocked_training_algorithms, lags=prepared.spec.uses_lags)
    proposer = AdaptiveProposer(algorithms, job.primary_metric, "forecasting", seed=job.seed, use_portfolio=False)
    reserve = _reserve(stop, prepared, limits.timeout_minutes * 60)

    return schedule_trials(job, prepared.trial_data(), proposer, stop, watchers, engine, cancel_event,
                           reserve)


def _explain(model: ForecastingModel, prepared: ForecastPrepared, job: Any, max_seconds: float) -> Any:
    """Explanations of the best model's regression learner; None for classical models, or on failure (logged)."""
    return explain_safely(job, lambda: explain_forecaster(model, prepared.trial, job.primary_metric,
                                                          seed=job.seed, max_seconds=max_seconds))


def run_forecasting_job(job: Any, observers: list | None = None, *, compute: Any = "local",
                        show_progress: bool = True, cancel_event: threading.Event | None = None) -> AutoMLResult:
    """Run the forecasting ``job`` to the end and return its result."""
    started = time.monotonic()
    limits = job.limits
    engine = make_engine(compute, limits.concurrent_trials(), job.primary_metric, limits.cores_per_trial())
    watchers = ObserverGroup(default_observers(job, show_progress) if observers is None else observers)
    vote = job.training.enable_vote_ensemble and limits.max_trials >= 3
    stop = StopRules(dataclasses.replace(limits, max_trials=limits.max_trials - int(vote)),
                     job.primary_metric, "forecasting", ensemble_trials=int(vote))
    timings: dict[str, float] = {}
    try:
        prepared = prepare_forecasting(job.data, job.forecasting, seed=job.seed)
        timings["setup"] = time.monotonic() - started
        watchers.job_started(job, prepared)
        trials = _search(job, prepared, stop, watchers, engine, cancel_event or threading.Event())
    finally:
        engine.close()
    mark = time.monotonic()
    timings["search"] = mark - started - timings["setup"]
    if vote and not stop.canceled:
        ensemble = build_vote(trials, prepared.trial, job.primary_metric, limits.max_trials,
                              max((t.iteration for t in trials), default=-1) + 1, lambda i: f"{job.name}_{i}")
        if ensemble is not None:
            trials = trials + [ensemble]
            watchers.trial_finished(ensemble)
    timings["ensembles"], mark = time.monotonic() - mark, time.monotonic()
    best_model, best = _refit_best(trials, prepared, job)
    timings["refit"], mark = time.monotonic() - mark, time.monotonic()
    test_metrics = _score_test(best_model, prepared)
    timings["test"] = time.monotonic() - mark
    result = AutoMLResult(
        name=job.name, task="forecasting", primary_metric=job.primary_metric, status=run_status(stop, best),
        stop_reason=stop.reason or "done", best_model=best_model, best_trial=best, trials=trials,
        metrics=dict(best.metrics) if best else {}, test_metrics=test_metrics, guardrails=prepared.guardrails,
        featurization_summary=pd.DataFrame(prepared.featurization_summary), validation=prepared.validation.to_dict(),
        duration_seconds=time.monotonic() - started, data_shape=(sum(len(s) for s in prepared.series),
                                                                 len(prepared.spec.features) + 1),
        check_rows=prepared.check_rows, timings=timings, concurrent_trials=limits.concurrent_trials())
    result.pool_target = prepared.y
    result.forecasting = backtest_frame(best, prepared, best_model)
    return explain_and_finish(job, result, watchers, stop, started,
                              lambda seconds: _explain(best_model, prepared, job, seconds))
