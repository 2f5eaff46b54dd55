"""Runs a job: setup, trials, refit of the best, test scoring."""
from __future__ import annotations

import time
from typing import Any

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from automl import metrics
from automl._console import ConsoleProgress
from automl._setup import PreparedData, prepare
from automl.algorithms import registry_for_task
from automl.result import AutoMLResult
from automl.trials import (
    PortfolioThenRandomProposer,
    SequentialTrialRunner,
    StopRules,
    TrialResult,
    build_model,
    TrialSpec,
    fit_model,
)


def _rank(trials: list[TrialResult], metric: str, task: str) -> list[TrialResult]:
    key = metrics.sort_key(metric, task)
    return sorted((t for t in trials if t.succeeded), key=lambda t: key(t.score))


def refit_best(trial: TrialResult, prepared: PreparedData, n_jobs: int) -> Pipeline:
    """Refit ``trial``'s configuration on all training rows, behind the fitted datatransformer."""
    algorithm = registry_for_task(prepared.task)[trial.algorithm]
    spec = TrialSpec(trial.iteration, trial.name, algorithm, trial.params)
    X, y, w = prepared.refit_arrays()
    model = fit_model(build_model(spec, n_jobs), spec, X, y, w)
    return Pipeline([("datatransformer", prepared.refit_transformer), *model.steps])


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


def run_job(job: Any) -> AutoMLResult:
    """Run ``job`` to the end and return its result."""
    started = time.monotonic()
    progress = ConsoleProgress(job.log_verbosity)
    stop = StopRules(job.limits, job.primary_metric, job.task)
    training = job.training
    prepared = prepare(job.data, job.featurization, task=job.task,
                       positive_label=getattr(job, "positive_label", None),
                       onnx_compatible=training.enable_onnx_compatible_models)
    progress.start(job.name, job.task, job.primary_metric, prepared.X.shape,
                   prepared.validation.describe())
    progress.guardrails(prepared.guardrails)
    algorithms = registry_for_task(job.task).select(
        training.allowed_training_algorithms, training.blocked_training_algorithms,
        onnx_only=training.enable_onnx_compatible_models, n_rows=prepared.n_train_rows,
        sample_weight=prepared.sample_weight is not None)
    proposer = PortfolioThenRandomProposer(algorithms, job.primary_metric, job.task)
    runner = SequentialTrialRunner(n_jobs=job.limits.cores_per_trial())
    progress.header(job.primary_metric)

    def on_result(result: TrialResult) -> None:
        progress.trial(result, better=result.succeeded and stop.best == result.score)

    trials = runner.run(proposer, prepared, stop, lambda i: f"{job.name}_{i}", on_result)
    best_model, best = None, None
    for candidate in _rank(trials, job.primary_metric, job.task):
        try:
            best_model, best = refit_best(candidate, prepared, runner.n_jobs), candidate
            break
        except Exception as exc:  # fall back to the next best trial
            candidate.error = f"refit failed: {type(exc).__name__}: {exc}"
    test_metrics = score_test(best_model, prepared) if best_model is not None else None
    progress.finish(stop.reason or "done", best, job.primary_metric, test_metrics)
    return AutoMLResult(
        name=job.name, task=job.task, primary_metric=job.primary_metric,
        status="Completed" if best is not None else "Failed", stop_reason=stop.reason or "done",
        best_model=best_model, best_trial=best, trials=trials,
        metrics=dict(best.metrics) if best else {}, test_metrics=test_metrics,
        guardrails=prepared.guardrails,
        featurization_summary=pd.DataFrame(prepared.featurization_summary),
        validation=prepared.validation.to_dict(), duration_seconds=time.monotonic() - started,
        dropped_target_rows=prepared.dropped_target_rows, data_shape=tuple(prepared.X.shape),
        engineered_feature_names=_engineered_names(prepared))
