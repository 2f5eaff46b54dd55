"""``automl.classification(...)`` and ``automl.regression(...)``: Azure's factory functions."""
from __future__ import annotations

from typing import Any, Sequence

from automl.errors import ConfigError, did_you_mean
from automl.jobs._job import AutoMLJob, ClassificationJob, RegressionJob

_JOB_KWARGS = ("name", "display_name", "experiment_name", "description", "tags", "properties",
               "compute", "log_verbosity", "seed", "tracking_uri")


def _make(job_class: type[AutoMLJob], data: dict[str, Any], primary_metric: str | None,
          enable_model_explainability: bool | None, extra: dict[str, Any], **job_kwargs: Any):
    unknown = [k for k in extra if k not in _JOB_KWARGS]
    if unknown:
        valid = list(_JOB_KWARGS) + list(data) + ["primary_metric", "enable_model_explainability"]
        raise ConfigError(f"Unknown argument {unknown[0]!r}.{did_you_mean(unknown[0], valid)} "
                          f"Valid arguments: {', '.join(sorted(valid))}.")
    job = job_class(primary_metric=primary_metric, **job_kwargs, **extra)
    job.set_data(**data)
    job.set_training(enable_model_explainability=enable_model_explainability)
    return job


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
    data = dict(training_data=training_data, target_column_name=target_column_name,
                weight_column_name=weight_column_name, validation_data=validation_data,
                validation_data_size=validation_data_size, n_cross_validations=n_cross_validations,
                cv_split_column_names=cv_split_column_names, test_data=test_data,
                test_data_size=test_data_size)
    return _make(ClassificationJob, data, primary_metric, enable_model_explainability, kwargs,
                 positive_label=positive_label)


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
    if "positive_label" in kwargs:
        raise ConfigError("positive_label applies to classification only; remove it from regression().")
    data = dict(training_data=training_data, target_column_name=target_column_name,
                weight_column_name=weight_column_name, validation_data=validation_data,
                validation_data_size=validation_data_size, n_cross_validations=n_cross_validations,
                cv_split_column_names=cv_split_column_names, test_data=test_data,
                test_data_size=test_data_size)
    return _make(RegressionJob, data, primary_metric, enable_model_explainability, kwargs)
