"""Forecasting: series on a time grid, validated on windows after rolling origins.

Trials fit forecasters (:mod:`automl.timeseries`) on the histories before each origin and
are scored on the ``forecast_horizon`` periods after it; the VotingEnsemble combines
their back-test forecasts; the best forecaster is refit on the full histories.
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Callable

import numpy as np
import pandas as pd

from automl.algorithms import Algorithm
from automl.core import TrialData, TrialResult, TrialSpec
from automl.ensembles import VOTING, FinalModelTime
from automl.errors import ConfigError
from automl.explain import Explanation, RowExplanation
from automl.metrics import REGRESSION_METRICS
from automl.settings import TrainingSettings
from automl.tasks._task import Task
from automl.tasks.forecasting._ensemble import build_vote
from automl.tasks.forecasting._explain import explain_forecast_rows, explain_forecaster
from automl.tasks.forecasting._floor import with_floor
from automl.tasks.forecasting._prepare import ForecastData, check_forecasting_settings, prepare_forecasting
from automl.tasks.forecasting._refit import (backtest_frame, refit_forecaster, refit_seconds, score_test,
                                             validation_errors_frame)
from automl.tasks.forecasting._trial import evaluate_forecast_trial, trial_memory_bytes
from automl.timeseries import FORECASTING, ForecastingModel

if TYPE_CHECKING:
    from automl.jobs import AutoMLJob

__all__ = ["FORECASTING_TASK", "ForecastingTask"]


class ForecastingTask(Task):
    """Forecasting, as in Azure: scored with the regression metrics, macro-averaged over series."""

    name = "forecasting"
    metrics = REGRESSION_METRICS
    default_primary_metric = "normalized_root_mean_squared_error"
    yaml_primary_metric = "normalized_root_mean_squared_error"
    algorithms = FORECASTING
    ensembles = (VOTING,)
    #: A forecaster's refit fits every member on every series' full history, one member after the
    #: other; on hundreds of series the vote that wins validation costs a third of a short budget.
    max_post_search_share = 0.4
    model_insights = False

    # -- settings ------------------------------------------------------------------------------------
    def check_training(self, training: TrainingSettings) -> None:
        """ONNX mode is refused (forecasters do not convert), and so is a bag (the final forecaster is
        refit on every series' full history); a StackEnsemble is never built."""
        if training.enable_onnx_compatible_models:
            raise ConfigError("enable_onnx_compatible_models is not supported for forecasting: ONNX export "
                              "covers classification and regression only. Leave it False.")
        if training.final_model == "bag":
            raise ConfigError("final_model='bag' is not supported for forecasting: the final forecaster is "
                              "refit on every series' full history. Use 'auto' or 'refit'.")
        super().check_training(training)

    def check_job(self, job: AutoMLJob) -> None:
        """The data settings forecasting supports, and a time column."""
        super().check_job(job)
        check_forecasting_settings(job.data, job.forecasting_settings)

    # -- the job -------------------------------------------------------------------------------------
    def prepare(self, job: AutoMLJob) -> ForecastData:
        """:func:`~automl.tasks.forecasting._prepare.prepare_forecasting` with the job's settings."""
        return prepare_forecasting(job.data, job.forecasting_settings, seed=job.seed)

    def select_algorithms(self, training: TrainingSettings, prepared: ForecastData) -> list[Algorithm]:
        """The allowed forecasters, minus those target lags block and those whose package is missing."""
        return self.algorithms.select_for(training.allowed_training_algorithms,
                                          training.blocked_training_algorithms, lags=prepared.spec.uses_lags)

    def evaluate_trial(self, spec: TrialSpec, data: TrialData, primary_metric: str, n_jobs: int = 1) -> TrialResult:
        """Forecasts of every rolling-origin window, scored (:func:`evaluate_forecast_trial`)."""
        return evaluate_forecast_trial(spec, data, primary_metric, n_jobs)

    def trial_memory_bytes(self, spec: TrialSpec, data: TrialData) -> int:
        """The series, and for regression learners the lag-feature design matrix and the model."""
        return trial_memory_bytes(spec, data)

    def build_ensembles(self, kinds: list[str], trials: list[TrialResult], prepared: ForecastData,
                        job: AutoMLJob, start_iteration: int, name_of: Callable[[int], str], *,
                        max_seconds: float = float("inf"),
                        final_time: FinalModelTime | None = None) -> list[TrialResult]:
        """The VotingEnsemble of the forecasters' back-test forecasts, when two trials can be combined,
        from as many candidates as ``max_seconds`` allow, of members whose final models fit ``final_time``."""
        if VOTING not in kinds:
            return []
        vote = build_vote(trials, prepared.trial, self.metric(job.primary_metric), job.limits.max_trials,
                          start_iteration, name_of, max_seconds=max_seconds, final_time=final_time)
        return [] if vote is None else [vote]

    def choose_final(self, ranked: list[TrialResult], prepared: ForecastData,
                     primary_metric: str) -> tuple[list[TrialResult], str]:
        """The best classical model that beats SeasonalNaive on the validation windows by more than the
        noise (else SeasonalNaive) first, when the best trial does not (:func:`with_floor`)."""
        return with_floor(ranked, prepared.trial, self.metric(primary_metric), self.algorithms)

    def final_fit_seconds(self, members: list[TrialResult], prepared: ForecastData) -> float:
        """The refit of the members on the full histories with every core (:func:`refit_seconds`): a
        forecasting model fits its members in turn."""
        return refit_seconds(members, prepared, os.cpu_count() or 1)

    def refit(self, trial: TrialResult, prepared: ForecastData, *, deadline: float | None = None,
              notes: list[str] | None = None) -> ForecastingModel:
        """The forecaster (or vote) refit on every series' full history, with every core. It has no parts to
        leave out: the engine stops waiting for it at its deadline."""
        return refit_forecaster(trial, prepared, os.cpu_count() or 1)

    def score_test(self, model: ForecastingModel, prepared: ForecastData) -> dict[str, float] | None:
        """The forecasting metrics on the test periods, or None without test data."""
        return score_test(model, prepared)

    def explain(self, model: ForecastingModel, prepared: ForecastData, primary_metric: str, *, seed: int,
                max_seconds: float) -> Explanation | None:
        """The best model's regression learner on its engineered validation rows; None for classical models."""
        return explain_forecaster(model, prepared.trial, self.metric(primary_metric), seed=seed,
                                  max_seconds=max_seconds)

    def insight_rows(self, prepared: ForecastData, best: TrialResult, model: ForecastingModel
                     ) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, str] | str:
        """The best trial's rolling-origin validation forecasts, by series, horizon step and window: where the
        forecaster errs. (Per-row explanations are of the regression learner's own rows, :meth:`explain_insight_rows`;
        counterfactuals do not apply.)"""
        if best.valid_predictions is None:
            return f"the best trial {best.name} kept no validation forecasts"
        frame = validation_errors_frame(best, prepared)
        return (frame[["series", "horizon step", "window"]], frame["actual"].to_numpy(),
                frame["forecast"].to_numpy(), f"the rolling-origin validation forecasts of {best.name}")

    def explain_insight_rows(self, model: ForecastingModel, prepared: ForecastData, n_rows: int, n_background: int,
                             seed: int) -> RowExplanation | str:
        """The regression learner's rows (lags, calendar, features) of a sample of validation windows."""
        return explain_forecast_rows(model, prepared.trial, n_rows=n_rows, n_background=n_background, seed=seed)

    def result_extras(self, prepared: ForecastData, best: TrialResult | None,
                      model: ForecastingModel | None) -> dict[str, Any]:
        """The back-test forecasts of the last validation window, with 95% intervals."""
        return {"backtest_forecasts": backtest_frame(best, prepared, model)}


FORECASTING_TASK = ForecastingTask()
