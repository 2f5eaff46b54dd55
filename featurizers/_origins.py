"""Which raw column each engineered feature comes from: the map that sums engineered figures back to raw columns."""
from __future__ import annotations

from typing import Any, Iterable

from sklearn.compose import ColumnTransformer

from ._recipes import RECIPES

__all__ = ["category_blocks", "raw_feature_origins"]

#: The recipes that encode a column of categories: one output per category (``onehot``), per hash
#: bucket (``hash``), or one code (``label``).
CATEGORY_RECIPES = ("onehot", "hash", "label")


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


def category_blocks(transformer: Any, columns: Iterable[str]) -> list[list[int]]:
    """The outputs that encode each of ``columns`` as categories, one block of output positions per column.

    A block is a column's one-hot outputs (one per category), its hash buckets, or its one label code;
    columns of ``columns`` that another recipe featurizes (text, dates, numbers) or that are dropped have
    none. A learner that encodes categories itself (CatBoost) can read each block back as one column of
    codes.

    Examples
    --------
    >>> import pandas as pd
    >>> from featurizers import plan_featurization
    >>> X = pd.DataFrame({"Age": [22.5, None, 35.0, 41.0] * 20, "Port": ["S", "C", None, "Q"] * 20})
    >>> fitted = plan_featurization(X).build().fit(X)
    >>> list(fitted.get_feature_names_out())
    ['Age', 'Age_WASNULL', 'Port_C', 'Port_Q', 'Port_S', 'Port___missing__']
    >>> category_blocks(fitted, ["Port"])
    [[2, 3, 4, 5]]
    """
    if not isinstance(transformer, ColumnTransformer):
        raise TypeError(f"category_blocks needs a fitted ColumnTransformer, got {type(transformer).__name__}.")
    wanted = {str(c) for c in columns}
    blocks = []
    for step, fitted, step_columns in transformer.transformers_:
        if step not in CATEGORY_RECIPES or isinstance(step_columns, str):
            continue
        start = transformer.output_indices_[step].start
        for column, width in zip(step_columns, RECIPES[step].counts(fitted, len(step_columns))):
            if str(column) in wanted and width:
                blocks.append(list(range(start, start + width)))
            start += width
    return blocks
