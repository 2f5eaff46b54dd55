"""``High cardinality feature detection``: columns hashed, treated as text, or dropped."""
from __future__ import annotations

from ._context import GuardrailContext
from ._result import DONE, PASSED, GuardrailResult

__all__ = ["NAME", "HIGH_CARDINALITY_ACTIONS", "check_high_cardinality"]

NAME = "High cardinality feature detection"

#: Purpose -> what the featurizer does with such a column.
HIGH_CARDINALITY_ACTIONS = {
    "Hashes": "dropped (ID-like values)",
    "Ignore": "dropped (high cardinality, not text)",
    "CategoricalHash": "hashed one-hot encoding",
    "Text": "TF-IDF text features",
}


def check_high_cardinality(context: GuardrailContext) -> GuardrailResult | None:
    """``Done`` listing high-cardinality columns and their handling, else ``Passed``.

    Needs the featurizer's ``purposes`` (not applicable without them). ``Ignore`` columns
    with a single value are constant, not high-cardinality: another guardrail lists them.
    """
    if context.purposes is None:
        return None
    uniques = context.unique_counts()
    details = []
    for column in context.X.columns:
        purpose = context.purpose(column)
        if purpose not in HIGH_CARDINALITY_ACTIONS or (purpose == "Ignore" and uniques[column] <= 1):
            continue
        details.append({"Column": column, "Type detected": purpose,
                        "Unique values": uniques[column],
                        "Action": HIGH_CARDINALITY_ACTIONS[purpose]})
    if not details:
        return GuardrailResult(NAME, PASSED, "Your inputs were analyzed, and no high cardinality "
                               "features were detected.")
    return GuardrailResult(NAME, DONE, (
        f"High cardinality features were detected in {len(details)} column(s) and handled as "
        "listed. Review them: an ID-like column is dropped, and a column you know to be "
        "categorical or text can be set with column_name_and_types."), details)
