"""Look metrics up by task and name, resolve ``primary_metric``, and compare scores."""
from __future__ import annotations

import math
import sys
from typing import Callable

from automl._naming import name_key, resolve_name
from automl.errors import ConfigError, did_you_mean
from automl.metrics._base import Metric
from automl.metrics._classification import CLASSIFICATION_METRICS
from automl.metrics._regression import REGRESSION_METRICS

__all__ = [
    "DEFAULT_PRIMARY_METRICS",
    "get_metric",
    "is_better",
    "metrics_for_task",
    "primary_metrics",
    "resolve_primary_metric",
    "resolve_task",
    "sort_key",
]

# Forecasting is scored with the regression metrics, as in Azure.
_TABLES: dict[str, dict[str, Metric]] = {
    "classification": CLASSIFICATION_METRICS,
    "regression": REGRESSION_METRICS,
    "forecasting": REGRESSION_METRICS,
}

#: ``primary_metric`` when none is given (Azure SDK v2 defaults).
DEFAULT_PRIMARY_METRICS: dict[str, str] = {
    "classification": "accuracy",
    "regression": "normalized_root_mean_squared_error",
    "forecasting": "normalized_root_mean_squared_error",
}


def resolve_task(task: str) -> str:
    """Canonical task name (``"classification"``, ``"regression"`` or ``"forecasting"``).

    Raises
    ------
    ConfigError
        When ``task`` names no known task.
    """
    return resolve_name(task, _TABLES, what="task", setting="task")


def metrics_for_task(task: str) -> dict[str, Metric]:
    """All metrics of ``task`` by Azure name (forecasting uses the regression table)."""
    return _TABLES[resolve_task(task)]


def primary_metrics(task: str) -> list[str]:
    """Names of the metrics Azure accepts as ``primary_metric`` for ``task``."""
    return [name for name, metric in metrics_for_task(task).items() if metric.primary]


def get_metric(name: str, task: str) -> Metric:
    """Find a metric by any camel/snake/case spelling of its name.

    Raises
    ------
    ConfigError
        When ``name`` is not a metric of ``task``; the message lists the valid names.

    Examples
    --------
    >>> get_metric("AUCWeighted", "classification").name
    'AUC_weighted'
    >>> get_metric("NormalizedRootMeanSquaredError", "regression").greater_is_better
    False
    """
    table = metrics_for_task(task)
    return table[resolve_name(name, table, what=f"{resolve_task(task)} metric", setting="metric")]


def resolve_primary_metric(name: str | None, task: str) -> str:
    """Canonical name of the primary metric, applying Azure's default when ``name`` is None.

    Raises
    ------
    ConfigError
        When ``name`` is unknown or a metric Azure does not allow as primary; the
        message names ``primary_metric``, suggests close names and lists the valid ones.

    Examples
    --------
    >>> resolve_primary_metric(None, "regression")
    'normalized_root_mean_squared_error'
    >>> resolve_primary_metric("auc_weighted", "classification")
    'AUC_weighted'
    """
    task = resolve_task(task)
    if name is None:
        return DEFAULT_PRIMARY_METRICS[task]
    allowed = primary_metrics(task)
    valid = f"Valid primary metrics for {task}: {', '.join(allowed)}."
    if not isinstance(name, str):
        raise ConfigError(f"primary_metric: expected a metric name, got {name!r}. {valid}")
    for candidate in allowed:
        if name_key(candidate) == name_key(name):
            return candidate
    raise ConfigError(f"primary_metric: {_why_not_primary(name, task)}"
                      f"{did_you_mean(name, allowed)} {valid}")


def _why_not_primary(name: str, task: str) -> str:
    """Say whether ``name`` is a non-primary metric of ``task``, another task's, or unknown."""
    tasks = [t for t, table in _TABLES.items() if any(name_key(m) == name_key(name) for m in table)]
    if task in tasks:
        return f"{name!r} is a {task} metric but Azure does not accept it as primary_metric."
    if tasks:
        return f"{name!r} is a {tasks[0]} metric, not a {task} one."
    return f"unknown metric {name!r}."


def is_better(metric_name: str, task: str, a: float, b: float) -> bool:
    """True when score ``a`` is strictly better than ``b``; NaN is never better than a number.

    Examples
    --------
    >>> is_better("log_loss", "classification", 0.2, 0.3)
    True
    >>> is_better("accuracy", "classification", float("nan"), 0.1)
    False
    """
    if math.isnan(a):
        return False
    if math.isnan(b):
        return True
    return a > b if get_metric(metric_name, task).greater_is_better else a < b


def sort_key(metric_name: str, task: str) -> Callable[[float], float]:
    """Key for ``sorted`` that puts the best score first and NaN last.

    Examples
    --------
    >>> sorted([0.2, float("nan"), 0.9], key=sort_key("accuracy", "classification"))
    [0.9, 0.2, nan]
    """
    sign = -1.0 if get_metric(metric_name, task).greater_is_better else 1.0

    def key(value: float) -> float:
        if math.isnan(value):
            return math.inf
        return min(sign * value, sys.float_info.max)

    return key
