"""Score one prediction with every metric of its kind, and average scores over folds."""
from __future__ import annotations

import math
from typing import Any

from automl.metrics._classification import score_classification
from automl.metrics._regression import score_regression

__all__ = ["average_scores", "score"]


def score(y_true: Any, prediction: Any, *, classes: Any = None, positive_label: Any = None,
          y_min: float | None = None, y_max: float | None = None, sample_weight: Any = None) -> dict[str, float]:
    """Every metric of ``prediction``.

    With ``classes``, ``prediction`` holds class probabilities (columns in ``classes``
    order) and every classification metric is computed (:func:`score_classification`);
    without, it holds values, scored with every regression metric against the
    training-target range ``y_min`` .. ``y_max`` (:func:`score_regression`).

    Raises
    ------
    TypeError
        Values without ``y_min`` and ``y_max``.
    """
    if classes is not None:
        return score_classification(y_true, prediction, classes, sample_weight=sample_weight,
                                    positive_label=positive_label)
    if y_min is None or y_max is None:
        raise TypeError("score() of values needs y_min= and y_max=, the training target range "
                        "(or classes= for class probabilities).")
    return score_regression(y_true, prediction, y_min=y_min, y_max=y_max, sample_weight=sample_weight)


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
