"""Forecasting (:class:`ForecastingTask`): rolling-origin trials of forecasters, a vote, the refit.

The setup step (:func:`prepare_forecasting`: load, clean the series onto their grid,
resolve ``auto``, guardrails, rolling-origin instances), forecasting trials, the
VotingEnsemble, the refit on the full histories, test scoring, the back-test frame and
the explanation of a forecasting job. The forecasters themselves live in
:mod:`automl.timeseries`.
"""
from automl.tasks.forecasting._forecasting_task import FORECASTING_TASK, ForecastingTask
from automl.tasks.forecasting._prepare import ForecastData, RollingOriginValidation, prepare_forecasting
from automl.tasks.forecasting._refit import BACKTEST_COLUMNS, backtest_frame, refit_forecaster
from automl.tasks.forecasting._trial import ForecastTrialData, evaluate_forecast_trial, make_trial_data

__all__ = [
    "BACKTEST_COLUMNS", "FORECASTING_TASK", "ForecastData", "ForecastTrialData", "ForecastingTask",
    "RollingOriginValidation", "backtest_frame", "evaluate_forecast_trial", "make_trial_data",
    "prepare_forecasting", "refit_forecaster",
]
