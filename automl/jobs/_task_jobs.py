"""The job of each task, as Azure's SDK names them: what a task adds to :class:`AutoMLJob`."""
from __future__ import annotations

from dataclasses import asdict
from typing import Any, Sequence

from automl.jobs._job import AutoMLJob
from automl.settings import ForecastingSettings, merge

__all__ = ["ClassificationJob", "ForecastingJob", "JOB_CLASSES", "RegressionJob"]


class ClassificationJob(AutoMLJob):
    """A classification job; ``positive_label`` names the positive class for ``*_binary`` metrics."""

    task = "classification"

    def __init__(self, *, positive_label: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.positive_label = positive_label


class RegressionJob(AutoMLJob):
    """A regression job."""

    task = "regression"


class ForecastingJob(AutoMLJob):
    """A forecasting job: the settings of every job plus ``forecasting_settings`` (``set_forecast_settings``).

    Only a VotingEnsemble is built (Azure's rule): ``enable_stack_ensemble`` is False.
    """

    task = "forecasting"

    def __init__(self, *, forecasting_settings: ForecastingSettings | dict | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.forecasting_settings = ForecastingSettings()
        if isinstance(forecasting_settings, ForecastingSettings):
            forecasting_settings = asdict(forecasting_settings)
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

        See :class:`~automl.settings.ForecastingSettings` for each field. Use
        ``short_series_handling_config="none"`` for Azure's ``None`` (keep short series).

        Examples
        --------
        >>> import automl
        >>> job = automl.forecasting(training_data="sales.csv", target_column_name="sales")
        >>> job.set_forecast_settings(time_column_name="date", forecast_horizon=14, target_lags="auto")
        >>> job.forecasting_settings.forecast_horizon
        14
        """
        self.forecasting_settings = merge(self.forecasting_settings,
                                          **{k: v for k, v in locals().items() if k != "self"})

    def validate(self) -> None:
        """Every setting of :meth:`AutoMLJob.validate`, and the forecasting settings."""
        self.forecasting_settings.validate()
        super().validate()


#: The job class of each task.
JOB_CLASSES: dict[str, type[AutoMLJob]] = {cls.task: cls for cls in (ClassificationJob, RegressionJob, ForecastingJob)}
