"""Time-series forecasting: ``automl.forecasting(...)``, as in Azure ML AutoML.

Series are read from a long frame (time column, optional id columns, features, target),
put on a regular grid (frequency inferred or given, gaps filled, aggregated on request),
validated by rolling-origin cross-validation, and modelled by classical forecasters
(Naive, SeasonalNaive, Average, SeasonalAverage, ExponentialSmoothing, AutoArima, Arimax,
Prophet) and every regression learner on engineered features. The best model (or a
VotingEnsemble of forecasters) is a :class:`ForecastingModel`.

>>> import automl
>>> job = automl.forecasting(training_data="airline.csv", target_column_name="Passengers")
>>> job.set_forecast_settings(time_column_name="Month", forecast_horizon=12)
>>> # result = job.submit(); result.best_model.forecast(future)
"""
from automl.forecasting._job import ForecastingJob, forecasting
from automl.forecasting._metrics import EXTRA_METRICS, mase_scale, score_forecast
from automl.forecasting._model import ForecastingModel
from automl.forecasting._settings import ForecastingSettings
from automl.forecasting._trial import ForecastTrialData, evaluate_forecast_trial


def run_forecasting_job(*args, **kwargs):
    """Run a forecasting job (see :func:`automl.forecasting._run.run_forecasting_job`)."""
    from automl.forecasting._run import run_forecasting_job as run

    return run(*args, **kwargs)


def forecast_backtest(result, max_series: int = 4):
    """The back-test frame of a forecasting result (see ``AutoMLResult.forecast_backtest``)."""
    from automl.forecasting._backtest import forecast_backtest as backtest

    return backtest(result, max_series)


__all__ = [
    "EXTRA_METRICS", "ForecastTrialData", "ForecastingJob", "ForecastingModel", "ForecastingSettings",
    "evaluate_forecast_trial", "forecast_backtest", "forecasting", "mase_scale", "run_forecasting_job",
    "score_forecast",
]


class _CallableModule(type(__import__("sys"))):
    """``automl.forecasting`` is this package and Azure's factory: calling it calls :func:`forecasting`."""

    def __call__(self, **kwargs):
        return forecasting(**kwargs)


__import__("sys").modules[__name__].__class__ = _CallableModule
