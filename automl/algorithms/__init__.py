"""Algorithm registry: Azure's classification and regression learners, one table per task.

>>> from automl.algorithms import registry_for_task
>>> registry_for_task("classification")["light_gbm"].display_name
'MaxAbsScaler LightGBM'
"""
from __future__ import annotations

from automl.algorithms._classification import CLASSIFICATION
from automl.algorithms._forecasting import FORECASTING
from automl.algorithms._registry import PREPROCESSORS, Algorithm, AlgorithmRegistry
from automl.algorithms._regression import REGRESSION
from automl.algorithms._space import Choice, Domain, Float, Int, sample_config

_REGISTRIES = {"classification": CLASSIFICATION, "regression": REGRESSION, "forecasting": FORECASTING}


def registry_for_task(task: str) -> AlgorithmRegistry:
    """The algorithm registry of ``task`` (``"classification"``, ``"regression"`` or ``"forecasting"``)."""
    return _REGISTRIES[task]


__all__ = [
    "Algorithm", "AlgorithmRegistry", "PREPROCESSORS", "CLASSIFICATION", "REGRESSION", "FORECASTING",
    "Choice", "Domain", "Float", "Int", "sample_config", "registry_for_task",
]
