"""``Constant and empty feature detection``: columns with no information."""
from __future__ import annotations

from ._context import DROPPED_PURPOSES, GuardrailContext
from ._result import ALERTED, DONE, PASSED, GuardrailResult

__all__ = ["NAME", "check_constant_features"]

NAME = "Constant and empty feature detection"


def _action(context: GuardrailContext, column: str) -> str:
    if not context.featurizing:
        return "kept (featurization off)"
    purpose = context.purpose(column)
    if purpose is not None and purpose not in DROPPED_PURPOSES:
        return f"kept (set as {purpose})"
    return "dropped"


def check_constant_features(context: GuardrailContext) -> GuardrailResult:
    """``Passed`` without all-missing or single-valued columns; ``Done`` when they are all
    dropped; ``Alerted`` when some are kept (featurization off, or a purpose override).
    """
    details = []
    for column, u in context.unique_counts().items():
        if u > 1:
            continue
        reason = "all values missing" if u == 0 else "a single value"
        details.append({"Column": column, "Reason": reason, "Action": _action(context, column)})
    if not details:
        return GuardrailResult(NAME, PASSED, "No constant or empty feature columns were detected.")
    kept = [d["Column"] for d in details if d["Action"] != "dropped"]
    if kept:
        return GuardrailResult(NAME, ALERTED, (
            f"{len(details)} column(s) are empty or constant and carry no information; "
            f"{len(kept)} of them are kept. Drop them from the training data."), details)
    return GuardrailResult(NAME, DONE, (
        f"{len(details)} column(s) are empty or constant and were dropped: they carry no "
        "information."), details)
