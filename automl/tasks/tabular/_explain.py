"""Explanations of a tabular job's best model, on its validation rows."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

from automl.explain import MAX_ROWS, Explanation, explain_model, explanation_rows
from automl.metrics import Metric

if TYPE_CHECKING:
    from automl.tasks.tabular._prepare import TabularData

__all__ = ["explain_job"]


def explain_job(model: Any, prepared: TabularData, metric: Metric, engineered_feature_names: Sequence[str],
                seed: int = 0, max_seconds: float | None = None) -> Explanation:
    """:func:`automl.explain.explain_model` of a job's model on its validation rows (out-of-fold
    rows under cross-validation), within ``max_seconds``."""
    rows = explanation_rows(len(prepared.X), prepared.validation_rows(), limit=MAX_ROWS, seed=seed)
    explanation = explain_model(model, prepared.X.iloc[rows], prepared.y[rows], metric=metric,
                                engineered_feature_names=engineered_feature_names, seed=seed,
                                max_seconds=max_seconds, classes=prepared.classes,
                                positive_label=prepared.positive_label, y_min=prepared.y_min, y_max=prepared.y_max)
    explanation.details["rows"] = ("validation rows (the final model was refit on all training rows, "
                                   "these included)")
    return explanation
