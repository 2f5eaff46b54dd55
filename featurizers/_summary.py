"""Featurization summary records (reference 5.4) from a plan and its fitted ColumnTransformer."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sklearn.compose import ColumnTransformer
from sklearn.utils.validation import check_is_fitted

from ._recipes import RECIPES

if TYPE_CHECKING:  # pragma: no cover
    from ._plan import FeaturizationPlan

__all__ = ["summarize", "SUMMARY_KEYS"]

#: Keys of every record, Azure's five plus ``Notes``.
SUMMARY_KEYS = ("RawFeatureName", "TypeDetected", "Dropped", "EngineeredFeatureCount",
                "Transformations", "Notes")


def _column_transformer(fitted: Any) -> ColumnTransformer:
    if hasattr(fitted, "named_steps") and "datatransformer" in fitted.named_steps:
        fitted = fitted.named_steps["datatransformer"]
    if not isinstance(fitted, ColumnTransformer):
        raise TypeError("summary() needs the fitted ColumnTransformer built by this plan "
                        f"(plan.build().fit(X)), got {type(fitted).__name__}.")
    check_is_fitted(fitted)
    return fitted


def summarize(plan: "FeaturizationPlan", fitted: Any) -> list[dict[str, Any]]:
    """One record per raw column: type, dropped, engineered feature count, transformations.

    Parameters
    ----------
    plan : FeaturizationPlan
    fitted : ColumnTransformer
        ``plan.build()`` after ``fit``.

    Returns
    -------
    list of dict with the keys :data:`SUMMARY_KEYS`
    """
    transformer = _column_transformer(fitted)
    fitted_steps = transformer.named_transformers_
    counts: dict[str, int] = {}
    transformations: dict[str, list[str]] = {}
    for step in plan.steps:
        if step.name not in fitted_steps:
            raise ValueError(f"The fitted ColumnTransformer has no step {step.name!r}; "
                             "pass the result of this plan's build(), fitted.")
        recipe, estimator = RECIPES[step.recipe], fitted_steps[step.name]
        per_column = recipe.counts(estimator, len(step.columns))
        for j, column in enumerate(step.columns):  # a column may feed two steps (its value and its one-hot)
            counts[column] = counts.get(column, 0) + int(per_column[j])
            transformations[column] = transformations.get(column, []) + recipe.describe(estimator, step.params, j)
    return [{
        "RawFeatureName": column,
        "TypeDetected": purpose,
        "Dropped": "No" if column in counts else "Yes",
        "EngineeredFeatureCount": counts.get(column, 0),
        "Transformations": transformations.get(column, []),
        "Notes": plan.notes.get(column, ""),
    } for column, purpose in plan.purposes.items()]
