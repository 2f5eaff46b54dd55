"""``automl.forecasting(...)`` and the :class:`ForecastingJob` it returns."""
from __future__ import annotations

import warnings
from typing import Any, Sequence

from automl.errors import ConfigError
from automl.forecasting._settings import ForecastingSettings
from automl.jobs._job import AutoMLJob
from automl.settings import merge

__all__ = ["ForecastingJob", "forecasting"]


class ForecastingJob(AutoMLJob):
    """A forecasting job: the settings of every job plus ``set_forecast_settings``."""

    task = "forecasting"

    def __init__(self, *, forecasting_settings: ForecastingSettings | dict | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.forecasting = ForecastingSettings()
        if isinstance(forecasting_settings, ForecastingSettings):
            forecasting_settings = {k: v for k, v in vars(forecasting_settings).items()}
        if forecasting_settings:
            self.set_forecast_settings(**forecasting_settings)

    def set_forecast_settings(self, *, time_column_name: str | None = None,
                              forecast_horizon: int | str | None = None,
                              time_series_id_column_names: str | Sequence[str] | None = None,
                              frequency: str | None = None, target_lags: int | Sequence[int] | str | None = None,
                              feature_lags: str | None = None,
                              target_rolling_window_size: int | str | None = None,
                              seasonality: int | str | None = None, use_stl: str | None = None,
                              short_series_handling_config: str | None = None,
                              target_aggregate_function: str | None = None,
                              country_or_region_for_holidays: str | None = None,
                              cv_step_size: int | str | None = None,
                              features_unknown_at_forecast_time: str | Sequence[str] | None = None) -> None:
        """Configure the series (Azure's ``set_forecast_settings``; merge-style: None keeps a value).

        See :class:`~automl.forecasting.ForecastingSettings` for each field. Use
        ``short_series_handling_config="none"`` for Azure's ``None`` (keep short series).

        Examples
        --------
        >>> import automl
        >>> job = automl.forecasting(training_data="sales.csv", target_column_name="sales")
        >>> job.set_forecast_settings(time_column_name="date", forecast_horizon=14, target_lags="auto")
        >>> job.forecasting.forecast_horizon
        14
        """
        changes = {k: v for k, v in locals().items() if k != "self"}
        self.forecasting = merge(self.forecasting, **changes)

    def set_training(self, *, enable_onnx_compatible_models: bool | None = None,
                     enable_stack_ensemble: bool | None = None, **kwargs: Any) -> None:
        """As for every job; ONNX mode is refused and StackEnsemble is off (Azure's forecasting rules)."""
        if enable_onnx_compatible_models:
            raise ConfigError("enable_onnx_compatible_models is not supported for forecasting: ONNX export "
                              "covers classification and regression only. Leave it False.")
        if enable_stack_ensemble:
            warnings.warn("StackEnsemble is not built for forecasting jobs; only VotingEnsemble is.",
                          UserWarning, stacklevel=2)
        super().set_training(enable_onnx_compatible_models=enable_onnx_compatible_models,
                             enable_stack_ensemble=False, **kwargs)


def forecasting(*, training_data: Any, target_column_name: str, primary_metric: str | None = None,
                enable_model_explainability: bool | None = None, n_cross_validations: int | str | None = None,
                test_data: Any = None, forecasting_settings: ForecastingSettings | dict | None = None,
                weight_column_name: str | None = None, validation_data: Any = None,
                validation_data_size: float | None = None, cv_split_column_names: Sequence[str] | None = None,
                test_data_size: float | None = None, **kwargs: Any) -> ForecastingJob:
    """Create a forecasting job.

    Parameters
    ----------
    training_data : automl.Input, path or pandas.DataFrame
        The time column, series ids, features and target.
    target_column_name : str
        The column to forecast.
    primary_metric : str, optional
        ``normalized_root_mean_squared_error`` (default), ``normalized_mean_absolute_error``,
        ``r2_score`` or ``spearman_correlation``.
    n_cross_validations : int or "auto", optional
        Rolling-origin folds (default ``auto``: up to 3 the series allow).
    test_data : optional
        Data after the training period, scored once with the best model.
    forecasting_settings : ForecastingSettings or dict, optional
        Same as calling ``set_forecast_settings`` afterwards.
    weight_column_name, validation_data, validation_data_size, cv_split_column_names, test_data_size :
        Not supported for forecasting (as in Azure); setting one fails at ``submit``.
    **kwargs
        As for :func:`automl.classification` (``name``, ``experiment_name``, ``tags``, ``seed``...).

    Returns
    -------
    ForecastingJob
        Call ``set_forecast_settings(time_column_name=..., forecast_horizon=...)`` then ``submit()``.

    Examples
    --------
    >>> import automl
    >>> job = automl.forecasting(training_data="sales.csv", target_column_name="sales",
    ...                          forecasting_settings={"time_column_name": "date", "forecast_horizon": 7})
    >>> job.task, job.primary_metric
    ('forecasting', 'normalized_root_mean_squared_error')
    """
    from automl.jobs._factories import _make

    if "positive_label" in kwargs:
        raise ConfigError("positive_label applies to classification only; remove it from forecasting().")
    data = dict(training_data=training_data, target_column_name=target_column_name,
                weight_column_name=weight_column_name, validation_data=validation_data,
                validation_data_size=validation_data_size, n_cross_validations=n_cross_validations,
                cv_split_column_names=cv_split_column_names, test_data=test_data, test_data_size=test_data_size)
    return _make(ForecastingJob, data, primary_metric, enable_model_explainability, kwargs,
                 forecasting_settings=forecasting_settings)
