"""guardrails: Azure-AutoML-style data checks that report Passed / Done / Alerted.

Build a :class:`GuardrailContext` from the training data and settings, call
:func:`run_all`, and print :func:`format_results`. Each check is a function of the
context registered in :data:`GUARDRAILS`; it returns ``None`` when it does not apply.

Examples
--------
>>> import pandas as pd
>>> from guardrails import GuardrailContext, run_all
>>> X = pd.DataFrame({"a": [1.0, None, 3.0, 4.0]})
>>> y = pd.Series(["yes", "no", "no", "no"])
>>> [(r.name, r.status) for r in run_all(GuardrailContext(X, y, "classification"))]
... # doctest: +NORMALIZE_WHITESPACE
[('Validation split handling', 'Done'), ('Missing feature values imputation', 'Done'),
 ('Constant and empty feature detection', 'Passed'), ('Class balancing detection', 'Passed')]
"""
from ._context import GuardrailContext, missing_counts, missing_mask
from ._format import format_results, format_table
from ._forecasting import FORECASTING_GUARDRAILS, ForecastingFacts, run_forecasting
from ._memory import available_memory_bytes, format_bytes, with_skipped_trials
from ._checks import GUARDRAILS, run_all
from ._result import ALERTED, DONE, PASSED, STATUSES, GuardrailResult
from ._validation import (
    DEFAULT_FOLDS,
    HOLDOUT_FRACTION,
    HOLDOUT_MIN_ROWS,
    SMALL_DATA_FOLDS,
    SMALL_DATA_ROWS,
    auto_validation,
)

__all__ = [
    "PASSED",
    "DONE",
    "ALERTED",
    "STATUSES",
    "GuardrailResult",
    "GuardrailContext",
    "missing_counts",
    "missing_mask",
    "GUARDRAILS",
    "run_all",
    "format_results",
    "format_table",
    "auto_validation",
    "HOLDOUT_MIN_ROWS",
    "HOLDOUT_FRACTION",
    "SMALL_DATA_ROWS",
    "SMALL_DATA_FOLDS",
    "DEFAULT_FOLDS",
    "available_memory_bytes",
    "format_bytes",
    "with_skipped_trials",
    "ForecastingFacts",
    "FORECASTING_GUARDRAILS",
    "run_forecasting",
]
