"""Fits that stop at a deadline: the boosters' hooks between iterations raise :class:`~automl.core.PastDeadline`.

A final model's fit runs on a thread of the job's process, which nothing can stop from outside; past the job's
limit it is left behind (:func:`automl.core.run_by`). The learners that iterate in Python-visible steps end such
a fit at their next iteration instead of holding a core until they are done. ``Algorithm.deadline_hook`` names
how (one entry of :data:`DEADLINE_HOOKS`).
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable

import xgboost

from automl.core import PastDeadline

__all__ = ["DEADLINE_HOOKS", "DeadlineHook", "deadline_fit_params"]


def _check(deadline: float) -> None:
    if time.monotonic() >= deadline:
        raise PastDeadline("the fit was stopped at its deadline")


def _lightgbm_callbacks(deadline: float) -> list[Callable[[Any], None]]:
    def callback(env: Any) -> None:  # lightgbm.callback.CallbackEnv
        _check(deadline)
    return [callback]


class _CatBoostDeadline:
    """CatBoost's ``after_iteration`` callback (CatBoost wraps what it raises in a ``CatBoostError``)."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline

    def after_iteration(self, info: Any) -> bool:
        _check(self.deadline)
        return True


class _XGBoostDeadline(xgboost.callback.TrainingCallback):
    """XGBoost's ``after_iteration`` callback."""

    def __init__(self, deadline: float) -> None:
        super().__init__()
        self.deadline = deadline

    def after_iteration(self, model: Any, epoch: int, evals_log: dict) -> bool:
        _check(self.deadline)
        return False


def _monitor(deadline: float) -> Callable[[int, Any, dict], bool]:
    """scikit-learn's gradient boosting ``monitor``, called after each stage."""
    def monitor(stage: int, estimator: Any, local: dict) -> bool:
        _check(deadline)
        return False
    return monitor


@dataclass(frozen=True)
class DeadlineHook:
    """How a learner's fit is stopped at a deadline: ``param`` takes ``make(deadline)``.

    ``on_estimator``: ``param`` is a parameter of the estimator (XGBoost's ``callbacks``), set for the fit and
    reset after it so the fitted model does not keep it; else a parameter of ``fit``.
    """

    param: str
    make: Callable[[float], Any]
    on_estimator: bool = False


#: The hooks by name (``Algorithm.deadline_hook``).
DEADLINE_HOOKS: dict[str, DeadlineHook] = {
    "lightgbm": DeadlineHook("callbacks", _lightgbm_callbacks),
    "xgboost": DeadlineHook("callbacks", lambda deadline: [_XGBoostDeadline(deadline)], on_estimator=True),
    "catboost": DeadlineHook("callbacks", lambda deadline: [_CatBoostDeadline(deadline)]),
    "sklearn_monitor": DeadlineHook("monitor", _monitor),
}


def deadline_fit_params(hook: str | None, estimator: Any, deadline: float | None) -> tuple[dict[str, Any], Callable[[], None]]:
    """The fit parameters that stop ``estimator`` at ``deadline`` by the hook named ``hook``, and what undoes
    the setting after the fit (nothing for a fit parameter). None of either: no parameters."""
    if hook is None or deadline is None:
        return {}, lambda: None
    entry = DEADLINE_HOOKS[hook]
    if not entry.on_estimator:
        return {entry.param: entry.make(deadline)}, lambda: None
    before = estimator.get_params()[entry.param]
    estimator.set_params(**{entry.param: entry.make(deadline)})
    return {}, lambda: estimator.set_params(**{entry.param: before})
