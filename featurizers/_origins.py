"""Which raw column each engineered feature comes from: the map that sums engineered figures back to raw columns."""
from __future__ import annotations

from typing import Any

from sklearn.compose import ColumnTransformer

__all__ = ["raw_feature_origins"]


def _origin(feature: str, columns: list[str]) -> str:
    """The column of ``columns`` that ``feature`` is named after: itself, or the longest whose name and
    an underscore begin it (``Sex_male`` from ``Sex``); TF-IDF terms' names also start with their column."""
    if len(columns) == 1:
        return columns[0]
    named = [c for c in columns if feature == c or feature.startswith(f"{c}_")]
    return max(named, key=len) if named else columns[0]


def raw_feature_origins(transformer: Any) -> list[str]:
    """The raw column of each output of a fitted featurization (a ``ColumnTransformer`` built by
    :meth:`FeaturizationPlan.build`), in output order.

    Each step's outputs come from that step's own columns; a step of one column owns all its outputs,
    and in a step of several columns each output is named after its column (``Age``, ``Age_WASNULL``,
    ``Sex_male``), the longest matching name winning.

    Examples
    --------
    >>> import pandas as pd
    >>> from featurizers import plan_featurization
    >>> X = pd.DataFrame({"Age": [1.0, None, 3.0, 4.0] * 5, "Sex": ["m", "f", "m", "f"] * 5})
    >>> fitted = plan_featurization(X).build().fit(X)
    >>> raw_feature_origins(fitted)
    ['Age', 'Age', 'Sex', 'Sex']
    """
    if not isinstance(transformer, ColumnTransformer):
        raise TypeError(f"raw_feature_origins needs a fitted ColumnTransformer, got {type(transformer).__name__}.")
    names = list(transformer.get_feature_names_out())
    origins: list[str] = [""] * len(names)
    columns = {name: [str(c) for c in cols] for name, _, cols in transformer.transformers_
               if not isinstance(cols, str)}
    for step, span in transformer.output_indices_.items():
        for index in range(span.start, span.stop):
            origins[index] = _origin(names[index], columns.get(step, [names[index]]))
    return origins
