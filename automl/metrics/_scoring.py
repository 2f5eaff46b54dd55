"""Score one prediction by task, and average scores over cross-validation folds."""
from __future__ import annotations

import math
from typing import Any

from automl.metrics._classification import score_classification
from automl.metrics._regression import score_regression
from automl.metrics._registry import resolve_task

__all__ = ["average_scores", "score"]


def score(
    task: str,
    y_true: Any,
    prediction: Any,
    *,
    classes: Any = None,
    y_min: float | None = None,
    y_max: float | None = None,
    sample_weight: Any = None,
    positive_label: Any = None,
) -> dict[str, float]:
    """Compute every metric of ``task``.

    Classification passes ``prediction`` as class probabilities to
    :func:`score_classification` and needs ``classes``; regression and forecasting
    pass it as predicted values to :func:`score_regression` and need ``y_min`` and
    ``y_max`` (the training-target range).

    Raises
    ------
    TypeError
        When the arguments the task needs are missing.
    """
    task = resolve_task(task)
    if task == "classification":
        if classes is None:
            raise TypeError("score(task='classification') needs classes=, the model's classes.")
        return score_classification(
            y_true, prediction, classes, sample_weight=sample_weight, positive_label=positive_label
        )
    if y_min is None or y_max is None:
        raise TypeError(f"score(task={task!r}) needs y_min= and y_max=, the training target range.")
    return score_regression(
        y_true, prediction, y_min=y_min, y_max=y_max, sample_weight=sample_weight
    )


def average_scores(fold_scores: list[dict[str, float]]) -> dict[str, float]:
    """Mean of each metric over folds, ignoring NaN; NaN when every fold is NaN.

    Keys present in any fold are kept, in order of first appearance.

    Examples
    --------
    >>> average_scores([{"r2_score": 0.5}, {"r2_score": float("nan")}, {"r2_score": 0.7}])
    {'r2_score': 0.6}
    """
    values: dict[str, list[float]] = {}
    for scores in fold_scores:
        for name, value in scores.items():
            values.setdefault(name, []).append(float(value))
    averaged = {}
    for name, numbers in values.items():
        finite = [v for v in numbers if not math.isnan(v)]
        averaged[name] = math.fsum(finite) / len(finite) if finite else math.nan
    return averaged
