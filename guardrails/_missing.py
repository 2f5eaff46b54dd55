"""``Missing feature values imputation``: which feature columns have missing values."""
from __future__ import annotations

from ._context import DROPPED_PURPOSES, GuardrailContext, missing_counts
from ._result import ALERTED, DONE, PASSED, GuardrailResult

__all__ = ["NAME", "check_missing_values"]

NAME = "Missing feature values imputation"


def check_missing_values(context: GuardrailContext) -> GuardrailResult:
    """``Passed`` without missing values; ``Done`` when they are imputed; ``Alerted`` when
    featurization is off (nothing imputes them).

    The counts are over every row when the context has ``total_missing_counts`` (and ``total_rows``),
    else over ``X``. Columns the featurizer drops (``AllNan``, ``Ignore``, ``Hashes``) are not counted: they
    are reported by ``High cardinality feature detection`` or
    ``Constant and empty feature detection``.
    """
    whole = context.total_missing_counts is not None
    counts = context.total_missing_counts if whole else missing_counts(context.X)
    n_rows = max((context.total_rows if whole else None) or len(context.X), 1)
    details = []
    for column, count in counts.items():
        if count == 0 or (context.featurizing and context.purpose(column) in DROPPED_PURPOSES):
            continue
        row = {"Column": column, "Missing values": count,
               "Missing %": round(100.0 * count / n_rows, 2)}
        if context.purposes:
            row["Type detected"] = context.purpose(column)
        details.append(row)
    if not details:
        return GuardrailResult(NAME, PASSED, "No missing feature values were detected in the "
                               "training data.")
    if not context.featurizing:
        return GuardrailResult(NAME, ALERTED, (
            f"Missing feature values were found in {len(details)} column(s) and featurization is "
            "off, so they are not imputed; impute them first or use featurization mode 'auto'."),
            details)
    return GuardrailResult(NAME, DONE, (
        f"Missing feature values were found in {len(details)} column(s) and imputed: numeric "
        "columns with the mean (or the transformer_params strategy) plus an imputation marker "
        "column, categorical columns with the most frequent value or a 'missing' category. If "
        "the values are missing for a reason, consider handling them before training."), details)
