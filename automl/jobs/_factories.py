"""``automl.classification``, ``automl.regression`` and ``automl.forecasting``: Azure's factory functions.

Each has Azure SDK v2's signature; the data arguments are read by their names in
:data:`automl.settings.DATA_SETTINGS` and the job's own keyword arguments by
:data:`JOB_ARGUMENTS`, so the names are declared once.
"""
from __future__ import annotations

import inspect
from typing import Any, Callable, Mapping, Sequence

from automl.errors import ConfigError, did_you_mean
from automl.jobs._job import AutoMLJob
from automl.jobs._task_jobs import ClassificationJob, ForecastingJob, RegressionJob
from automl.settings import DATA_SETTINGS, ForecastingSettings

__all__ = ["FACTORIES", "JOB_ARGUMENTS", "classification", "forecasting", "regression"]

#: The keyword arguments every job takes (``**kwargs`` of the factories): those of :class:`AutoMLJob`.
JOB_ARGUMENTS: tuple[str, ...] = tuple(
    name for name, p in inspect.signature(AutoMLJob.__init__).parameters.items()
    if p.kind is inspect.Parameter.KEYWORD_ONLY and name != "primary_metric")


def _make(job_class: type[AutoMLJob], arguments: Mapping[str, Any], extra: Mapping[str, Any],
          **task_arguments: Any) -> AutoMLJob:
    """Construct the job, then ``set_data`` and ``set_training`` with the factory's arguments, as Azure does."""
    unknown = [k for k in extra if k not in JOB_ARGUMENTS]
    if unknown:
        valid = [*JOB_ARGUMENTS, *DATA_SETTINGS, "primary_metric", "enable_model_explainability", *task_arguments]
        raise ConfigError(f"Unknown argument {unknown[0]!r}.{did_you_mean(unknown[0], valid)} "
                          f"Valid arguments of {job_class.task}(): {', '.join(sorted(valid))}.")
    job = job_class(primary_metric=arguments["primary_metric"], **task_arguments, **extra)
    job.set_data(**{name: arguments[name] for name in DATA_SETTINGS})
    job.set_training(enable_model_explainability=arguments["enable_model_explainability"])
    return job


def _refuse_positive_label(job_class: type[AutoMLJob], kwargs: Mapping[str, Any]) -> None:
    if "positive_label" in kwargs:
        raise ConfigError(f"positive_label applies to {ClassificationJob.task} only; remove it from "
                          f"{job_class.task}().")


def classification(*, training_data: Any, target_column_name: str, primary_metric: str | None = None,
                   enable_model_explainability: bool | None = None, weight_column_name: str | None = None,
                   validation_data: Any = None, validation_data_size: float | None = None,
                   n_cross_validations: int | str | None = None,
                   cv_split_column_names: Sequence[str] | None = None, test_data: Any = None,
                   test_data_size: float | None = None, positive_label: Any = None,
                   **kwargs: Any) -> ClassificationJob:
    """Create a classification job.

    Parameters
    ----------
    training_data : automl.Input, path or pandas.DataFrame
        Features and target (and weights). A path may be a CSV, Parquet or JSON
        lines file, or a folder with an ``MLTable`` file.
    target_column_name : str
        The column to predict.
    primary_metric : str, optional
        What to optimise: ``AUC_weighted``, ``accuracy`` (default),
        ``norm_macro_recall``, ``average_precision_score_weighted`` or
        ``precision_score_weighted``; any case, camel or snake.
    enable_model_explainability : bool, optional
        Compute explanations for the best model (default True).
    weight_column_name : str, optional
        Per-row sample weights.
    validation_data, validation_data_size, n_cross_validations, cv_split_column_names :
        How trials are validated; all ``None`` applies Azure's auto rule.
    test_data, test_data_size : optional
        Data scored once with the best model.
    positive_label : optional
        The positive class, for the ``*_binary`` metrics.
    **kwargs
        ``name``, ``display_name``, ``experiment_name``, ``description``,
        ``tags``, ``properties``, ``compute`` (``"local"`` or a Dask cluster),
        ``log_verbosity``, ``seed`` (of the search and the splits), ``tracking_uri``
        (an MLflow URI; default ``MLFLOW_TRACKING_URI`` or ``./mlflow.db``; False: no tracking).

    Returns
    -------
    ClassificationJob
        Configure it further with ``set_limits``, ``set_training``,
        ``set_featurization``; run it with ``submit()``.

    Examples
    --------
    >>> import automl
    >>> job = automl.classification(training_data="train.csv", target_column_name="y",
    ...                             primary_metric="AUC_weighted", name="example")
    >>> job.primary_metric
    'AUC_weighted'
    """
    return _make(ClassificationJob, locals(), kwargs, positive_label=positive_label)


def regression(*, training_data: Any, target_column_name: str, primary_metric: str | None = None,
               enable_model_explainability: bool | None = None, weight_column_name: str | None = None,
               validation_data: Any = None, validation_data_size: float | None = None,
               n_cross_validations: int | str | None = None,
               cv_split_column_names: Sequence[str] | None = None, test_data: Any = None,
               test_data_size: float | None = None, **kwargs: Any) -> RegressionJob:
    """Create a regression job.

    Parameters are those of :func:`classification` without ``positive_label``;
    ``primary_metric`` is one of ``normalized_root_mean_squared_error``
    (default), ``r2_score``, ``spearman_correlation``,
    ``normalized_mean_absolute_error``.

    Examples
    --------
    >>> import automl
    >>> automl.regression(training_data="train.csv", target_column_name="price").primary_metric
    'normalized_root_mean_squared_error'
    """
    _refuse_positive_label(RegressionJob, kwargs)
    return _make(RegressionJob, locals(), kwargs)


def forecasting(*, training_data: Any, target_column_name: str, primary_metric: str | None = None,
                enable_model_explainability: bool | None = None, weight_column_name: str | None = None,
                validation_data: Any = None, validation_data_size: float | None = None,
                n_cross_validations: int | str | None = None,
                cv_split_column_names: Sequence[str] | None = None, test_data: Any = None,
                test_data_size: float | None = None,
                forecasting_settings: ForecastingSettings | Mapping[str, Any] | None = None,
                **kwargs: Any) -> ForecastingJob:
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
    enable_model_explainability : bool, optional
        Explain the best model's regression learner (default True).
    n_cross_validations : int or "auto", optional
        Rolling-origin folds (default ``auto``: up to 3 the series allow).
    test_data : optional
        Data after the training period, scored once with the best model.
    weight_column_name, validation_data, validation_data_size, cv_split_column_names, test_data_size :
        Not supported for forecasting (as in Azure); setting one is refused by ``submit``
        before any data is read.
    forecasting_settings : ForecastingSettings or dict, optional
        Same as calling ``set_forecast_settings`` afterwards.
    **kwargs
        As for :func:`classification` (``name``, ``experiment_name``, ``tags``, ``seed``...).

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
    _refuse_positive_label(ForecastingJob, kwargs)
    return _make(ForecastingJob, locals(), kwargs, forecasting_settings=forecasting_settings)


#: The factory of each job class's task: what the job YAML's ``task:`` calls.
FACTORIES: dict[str, Callable[..., AutoMLJob]] = {
    ClassificationJob.task: classification, RegressionJob.task: regression, ForecastingJob.task: forecasting,
}
