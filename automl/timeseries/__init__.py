"""Time-series modelling: series on a grid, forecasters, and the fitted forecasting model.

The model side of forecasting, used by the forecasting task (:mod:`automl.tasks.forecasting`)
and held by what it returns: series are read from a long frame and put on a regular grid
(:func:`clean_frame`; frequency inferred or given, gaps filled, aggregated on request), the
``auto`` settings are resolved against the data (:func:`resolve_spec`), and forecasters are
fitted on whole series: classical models (Naive, SeasonalNaive, Average, SeasonalAverage,
ExponentialSmoothing, AutoArima, Arimax, Prophet) and every regression learner on engineered
features, declared in :data:`FORECASTING`. :class:`ForecastingModel` is the fitted best model
(one forecaster or a weighted vote), with ``forecast``, ``forecast_quantiles`` and
``rolling_forecast``.
"""
from automl.timeseries._algorithms import FORECASTING, LAG_BLOCKED, ForecastingAlgorithm, ForecastingRegistry
from automl.timeseries._classical import (PARALLEL_SERIES, BaseForecaster, BaselineForecaster, ProphetForecaster,
                                         StatsForecaster, fits_side_by_side)
from automl.timeseries._clean import clean_frame, parse_times, series_keys
from automl.timeseries._heuristics import design_bytes, handle_short_series, resolve_spec
from automl.timeseries._intervals import out_of_fold_standardised, residual_scales
from automl.timeseries._metrics import EXTRA_METRICS, fold_scorer, mase_scale, score_folds, score_forecast
from automl.timeseries._model import ForecastingModel
from automl.timeseries._panel import ForecastSpec, SeriesData, series_label
from automl.timeseries._regression_forecaster import RegressionForecaster

__all__ = [
    "BaseForecaster", "BaselineForecaster", "EXTRA_METRICS", "FORECASTING", "ForecastSpec", "ForecastingAlgorithm",
    "ForecastingModel", "ForecastingRegistry", "LAG_BLOCKED", "PARALLEL_SERIES", "ProphetForecaster",
    "RegressionForecaster", "SeriesData", "StatsForecaster", "clean_frame", "fits_side_by_side",
    "handle_short_series", "mase_scale", "parse_times",
    "design_bytes", "fold_scorer", "out_of_fold_standardised", "residual_scales", "resolve_spec", "score_folds",
    "score_forecast", "series_keys", "series_label",
]
