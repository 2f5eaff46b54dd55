"""The guardrail table and the function that runs it."""
from __future__ import annotations

from typing import Callable

from . import _balance, _cardinality, _constant, _memory, _missing, _validation
from ._context import GuardrailContext
from ._result import GuardrailResult

__all__ = ["GUARDRAILS", "run_all"]

Check = Callable[[GuardrailContext], "GuardrailResult | None"]

#: Guardrail name -> check, in report order. A check returns ``None`` when it does not apply.
GUARDRAILS: dict[str, Check] = {
    _validation.NAME: _validation.check_validation,
    _missing.NAME: _missing.check_missing_values,
    _cardinality.NAME: _cardinality.check_high_cardinality,
    _constant.NAME: _constant.check_constant_features,
    _balance.NAME: _balance.check_class_balance,
    _memory.NAME: _memory.check_memory,
}


def run_all(context: GuardrailContext) -> list[GuardrailResult]:
    """Run every applicable guardrail of :data:`GUARDRAILS`, in order.

    Parameters
    ----------
    context : GuardrailContext

    Returns
    -------
    list of GuardrailResult
        One per guardrail that applies to the task and the information given.
    """
    results = (check(context) for check in GUARDRAILS.values())
    return [result for result in results if result is not None]
