"""Azure ML AutoML metrics: the tables, lookup by any spelling, scoring and comparison.

Classification metrics score class probabilities (prediction = argmax); regression
metrics normalise errors by the training-target range. Every metric is declared
once, in :data:`CLASSIFICATION_METRICS` or :data:`REGRESSION_METRICS`; which table a
job uses, and its default primary metric, is declared by its task (:mod:`automl.tasks`).

Examples
--------
>>> from automl.metrics import CLASSIFICATION_METRICS, find_metric
>>> find_metric("AUCWeighted", CLASSIFICATION_METRICS).name
'AUC_weighted'
>>> CLASSIFICATION_METRICS["log_loss"].greater_is_better
False
"""
from automl.metrics._metric import Metric
from automl.metrics._classification import CLASSIFICATION_METRICS, score_classification
from automl.metrics._fast import fast_scorer
from automl.metrics._lookup import find_metric, is_better, primary_metric_names, sort_key
from automl.metrics._regression import REGRESSION_METRICS, score_regression
from automl.metrics._scoring import average_scores, score

__all__ = [
    "CLASSIFICATION_METRICS",
    "REGRESSION_METRICS",
    "Metric",
    "average_scores",
    "fast_scorer",
    "find_metric",
    "is_better",
    "primary_metric_names",
    "score",
    "score_classification",
    "score_regression",
    "sort_key",
]
