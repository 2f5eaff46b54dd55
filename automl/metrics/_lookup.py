"""Find a metric in a table by any spelling of its name, and compare scores by its direction."""
from __future__ import annotations

import math
import sys
from typing import Callable, Mapping

from automl.core import resolve_name
from automl.metrics._metric import Metric

__all__ = ["find_metric", "is_better", "primary_metric_names", "sort_key"]


def find_metric(name: str, table: Mapping[str, Metric], *, what: str = "metric",
                setting: str = "metric") -> Metric:
    """The metric of ``table`` that ``name`` spells (camel, snake, any case).

    Raises
    ------
    ConfigError
        When ``name`` is not in ``table``; the message names ``setting`` and lists the valid names.

    Examples
    --------
    >>> from automl.metrics import CLASSIFICATION_METRICS, REGRESSION_METRICS
    >>> find_metric("AUCWeighted", CLASSIFICATION_METRICS).name
    'AUC_weighted'
    >>> find_metric("NormalizedRootMeanSquaredError", REGRESSION_METRICS).greater_is_better
    False
    """
    return table[resolve_name(name, table, what=what, setting=setting)]


def primary_metric_names(table: Mapping[str, Metric]) -> list[str]:
    """Names of the metrics of ``table`` that Azure accepts as ``primary_metric``."""
    return [name for name, metric in table.items() if metric.primary]


def is_better(metric: Metric, a: float, b: float) -> bool:
    """True when score ``a`` is strictly better than ``b`` by ``metric``; NaN is never better than a number.

    Examples
    --------
    >>> from automl.metrics import CLASSIFICATION_METRICS
    >>> is_better(CLASSIFICATION_METRICS["log_loss"], 0.2, 0.3)
    True
    >>> is_better(CLASSIFICATION_METRICS["accuracy"], float("nan"), 0.1)
    False
    """
    if math.isnan(a):
        return False
    if math.isnan(b):
        return True
    return a > b if metric.greater_is_better else a < b


def sort_key(metric: Metric) -> Callable[[float], float]:
    """Key for ``sorted`` that puts the best score by ``metric`` first and NaN last.

    Examples
    --------
    >>> from automl.metrics import CLASSIFICATION_METRICS
    >>> sorted([0.2, float("nan"), 0.9], key=sort_key(CLASSIFICATION_METRICS["accuracy"]))
    [0.9, 0.2, nan]
    """
    sign = -1.0 if metric.greater_is_better else 1.0

    def key(value: float) -> float:
        if math.isnan(value):
            return math.inf
        return min(sign * value, sys.float_info.max)

    return key
