"""Runs a job: setup, trials, refit of the best, test scoring."""
from __future__ import annotations

import time
from typing import Any

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from automl import metrics
from automl._observers import ObserverGroup, default_observers
from automl._setup import PreparedData, prepare
from automl.algorithms import registry_for_task
from automl.refit import refit_trial
from automl.result import AutoMLResult
from automl.trials import PortfolioThenRandomProposer, SequentialTrialRunner, StopRules, TrialResult


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


def _refit_best(trials: list[TrialResult], prepared: PreparedData, job: Any,
                n_jobs: int) -> tuple[Pipeline | None, TrialResult | None]:
    for candidate in _rank(trials, job.primary_metric, job.task):
        try:
            return refit_trial(candidate, prepared, n_jobs), candidate
        except Exception as exc:  # fall back to the next best trial
            candidate.error = f"refit failed: {type(exc).__name__}: {exc}"
    return None, None


def run_job(job: Any, observers: list | None = None) -> AutoMLResult:
    """Run ``job`` to the end and return its result."""
    started = time.monotonic()
    watchers = ObserverGroup(default_observers(job) if observers is None else observers)
    stop = StopRules(job.limits, job.primary_metric, job.task)
    training = job.training
    prepared = prepare(job.data, job.featurization, task=job.task,
                       positive_label=getattr(job, "positive_label", None),
                       onnx_compatible=training.enable_onnx_compatible_models)
    watchers.job_started(job, prepared)
    algorithms = registry_for_task(job.task).select(
        training.allowed_training_algorithms, training.blocked_training_algorithms,
        onnx_only=training.enable_onnx_compatible_models, n_rows=prepared.n_train_rows,
        sample_weight=prepared.sample_weight is not None)
    proposer = PortfolioThenRandomProposer(algorithms, job.primary_metric, job.task)
    runner = SequentialTrialRunner(n_jobs=job.limits.cores_per_trial())
    trials = runner.run(proposer, prepared, stop, lambda i: f"{job.name}_{i}", watchers.trial_finished)
    best_model, best = _refit_best(trials, prepared, job, runner.n_jobs)
    test_metrics = score_test(best_model, prepared) if best_model is not None else None
    result = AutoMLResult(
        name=job.name, task=job.task, primary_metric=job.primary_metric,
        status="Completed" if best is not None else "Failed", stop_reason=stop.reason or "done",
        best_model=best_model, best_trial=best, trials=trials,
        metrics=dict(best.metrics) if best else {}, test_metrics=test_metrics,
        guardrails=prepared.guardrails,
        featurization_summary=pd.DataFrame(prepared.featurization_summary),
        validation=prepared.validation.to_dict(), duration_seconds=time.monotonic() - started,
        dropped_target_rows=prepared.dropped_target_rows, data_shape=tuple(prepared.X.shape),
        engineered_feature_names=_engineered_names(prepared))
    watchers.job_finished(job, result)
    return result
