"""``Class balancing detection``: is the smallest class at most 20% of the largest?"""
from __future__ import annotations

import pandas as pd

from ._context import GuardrailContext
from ._result import ALERTED, DONE, PASSED, GuardrailResult

__all__ = ["NAME", "IMBALANCE_RATIO", "check_class_balance"]

NAME = "Class balancing detection"
#: Imbalanced when the smallest class has at most this share of the largest class's rows.
IMBALANCE_RATIO = 0.2
_MAX_ROWS = 20
_LEARN_MORE = ("Imbalanced data can lead to a falsely perceived positive effect of a model's "
               "accuracy because the input data has bias towards one class.")


def _class_table(counts) -> list[dict]:
    total = int(counts.sum())
    rows = [{"Class": str(label), "Rows": int(n), "Share %": round(100.0 * n / total, 2)}
            for label, n in counts.iloc[:_MAX_ROWS].items()]
    rest = counts.iloc[_MAX_ROWS:]
    if len(rest):
        rows.append({"Class": f"({len(rest)} more classes)", "Rows": int(rest.sum()),
                     "Share %": round(100.0 * rest.sum() / total, 2)})
    return rows


def check_class_balance(context: GuardrailContext) -> GuardrailResult | None:
    """Classification only. ``Passed`` when balanced; ``Alerted`` when the smallest class has
    at most 20% of the largest class's rows; ``Done`` when class weights were applied. The
    classes are counted over every row when the context has ``total_class_counts``, else in ``y``.
    """
    if not context.traits.class_labels or (context.y is None and context.total_class_counts is None):
        return None
    if context.total_class_counts is not None:  # every row's class, where y is a sample
        counts = context.total_class_counts.rename(index=str).sort_values(ascending=False, kind="stable")
    else:
        counts = pd.Series(context.y).dropna().astype(str).value_counts()
    if len(counts) < 2:
        return None
    smallest, largest = counts.index[-1], counts.index[0]
    ratio = counts.iloc[-1] / counts.iloc[0]
    details = _class_table(counts)
    finding = (f"The smallest class ({smallest!s}: {counts.iloc[-1]:,} rows) has {ratio:.1%} of "
               f"the rows of the largest class ({largest!s}: {counts.iloc[0]:,} rows); the "
               f"threshold is {IMBALANCE_RATIO:.0%}.")
    if ratio > IMBALANCE_RATIO:
        return GuardrailResult(NAME, PASSED, "Your inputs were analyzed, and all classes are "
                               f"balanced in your training data. {finding}", details)
    if context.class_weights_applied:
        return GuardrailResult(NAME, DONE, f"Imbalanced classes were detected and class weights "
                               f"were applied to counter them. {finding}", details)
    return GuardrailResult(NAME, ALERTED, (
        "To decrease model bias, please cancel the current run and fix the balancing problem "
        f"(resample the data, or weight the classes with weight_column_name). {finding} "
        f"{_LEARN_MORE} Prefer a metric that is robust to imbalance, such as AUC_weighted."),
        details)
