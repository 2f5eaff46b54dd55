"""Azure ML AutoML metrics: the tables, name resolution, scoring and comparison.

Classification metrics score class probabilities (prediction = argmax); regression
metrics normalise errors by the training-target range. Every metric is declared
once, in :data:`CLASSIFICATION_METRICS` or :data:`REGRESSION_METRICS`.

Examples
--------
>>> from automl.metrics import get_metric, resolve_primary_metric
>>> resolve_primary_metric("AUCWeighted", "classification")
'AUC_weighted'
>>> get_metric("log_loss", "classification").greater_is_better
False
"""
from automl.metrics._base import Metric
from automl.metrics._classification import CLASSIFICATION_METRICS, score_classification
from automl.metrics._regression import REGRESSION_METRICS, score_regression
from automl.metrics._registry import (
    DEFAULT_PRIMARY_METRICS,
    get_metric,
    is_better,
    metrics_for_task,
    primary_metrics,
    resolve_primary_metric,
    resolve_task,
    sort_key,
)
from automl.metrics._scoring import average_scores, score

__all__ = [
    "CLASSIFICATION_METRICS",
    "DEFAULT_PRIMARY_METRICS",
    "REGRESSION_METRICS",
    "Metric",
    "average_scores",
    "get_metric",
    "is_better",
    "metrics_for_task",
    "primary_metrics",
    "resolve_primary_metric",
    "resolve_task",
    "score",
    "score_classification",
    "score_regression",
    "sort_key",
]
