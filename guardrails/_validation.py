"""``Validation split handling``: which validation scheme is used, and why (reference 4)."""
from __future__ import annotations

from typing import Any, Callable

from ._context import GuardrailContext
from ._result import DONE, GuardrailResult

__all__ = ["DEFAULT_FOLDS", "HOLDOUT_FRACTION", "HOLDOUT_MIN_ROWS", "NAME", "SMALL_DATA_FOLDS", "SMALL_DATA_ROWS",
           "auto_validation", "check_validation"]

NAME = "Validation split handling"
HOLDOUT_MIN_ROWS = 20_000      # more rows than this -> holdout
HOLDOUT_FRACTION = 0.1
SMALL_DATA_ROWS = 1_000        # fewer rows than this -> 10 folds, else 3
SMALL_DATA_FOLDS, DEFAULT_FOLDS = 10, 3


def auto_validation(n_rows: int) -> dict[str, Any]:
    """Azure's automatic validation rule for classification and regression.

    More than 20,000 rows: a 10% holdout; otherwise k-fold cross-validation with
    10 folds under 1,000 rows and 3 folds from 1,000 to 20,000 rows. Forecasting uses
    rolling-origin cross-validation.

    Examples
    --------
    >>> auto_validation(891)
    {'method': 'cross_validation', 'n_folds': 10, 'auto': True, 'n_rows': 891}
    >>> auto_validation(48_842)["method"]
    'holdout'
    """
    if n_rows > HOLDOUT_MIN_ROWS:
        return {"method": "holdout", "fraction": HOLDOUT_FRACTION, "auto": True, "n_rows": n_rows}
    folds = SMALL_DATA_FOLDS if n_rows < SMALL_DATA_ROWS else DEFAULT_FOLDS
    return {"method": "cross_validation", "n_folds": folds, "auto": True, "n_rows": n_rows}


def _folds(v: dict) -> str:
    return f"{v.get('n_folds', '?')}-fold cross-validation"


def _holdout(v: dict) -> str:
    return f"a {float(v.get('fraction', HOLDOUT_FRACTION)):.0%} holdout validation split"


def _monte_carlo(v: dict) -> str:
    return (f"Monte Carlo cross-validation ({v.get('n_folds', '?')} random holdouts of "
            f"{float(v.get('fraction', HOLDOUT_FRACTION)):.0%})")


def _rolling(v: dict) -> str:
    folds = f"{v['n_folds']} folds" if "n_folds" in v else "folds"
    step = f", step {v['step_size']}" if "step_size" in v else ""
    return f"rolling-origin cross-validation ({folds}{step})"


#: method -> how to name it in a sentence.
_SCHEMES: dict[str, Callable[[dict], str]] = {
    "cross_validation": _folds,
    "holdout": _holdout,
    "validation_data": lambda v: "the validation data you provided",
    "monte_carlo": _monte_carlo,
    "custom_folds": lambda v: "the folds given by cv_split_column_names",
    "rolling_origin": _rolling,
}


def _reason(v: dict, n_rows: int) -> str:
    if v.get("method") == "rolling_origin":
        return "forecasting validates on windows after successive origins"
    if n_rows > HOLDOUT_MIN_ROWS:
        return f"the training data has more than 20,000 rows ({n_rows:,})"
    if n_rows < SMALL_DATA_ROWS:
        return f"the training data has fewer than 1,000 rows ({n_rows:,})"
    return f"the training data has between 1,000 and 20,000 rows ({n_rows:,})"


def check_validation(context: GuardrailContext) -> GuardrailResult:
    """Describe the validation scheme (``Done``): automatic (with the rule that chose it) or user-set."""
    n_rows = len(context.X)
    if context.validation:
        validation = dict(context.validation)
    elif context.traits.rolling_origin:
        validation = {"method": "rolling_origin", "auto": True, "n_rows": n_rows}
    else:
        validation = auto_validation(n_rows)
    n_rows = int(validation.get("n_rows", n_rows))
    method = str(validation.get("method", "unknown"))
    scheme = _SCHEMES.get(method, lambda v: f"validation method {method!r}")(validation)
    if validation.get("auto"):
        description = f"AutoML chose {scheme} because {_reason(validation, n_rows)}."
        chosen = "automatically"
    else:
        description = f"Validation uses {scheme}, as configured."
        chosen = "by the user"
    details = [{"Validation": scheme, "Training rows": n_rows, "Chosen": chosen}]
    return GuardrailResult(NAME, DONE, description, details)
