"""Fits that stop at a deadline and keep what they have: the boosters' hooks between iterations.

A final model's fit runs on a thread of the job's process, which nothing can stop from outside; past the job's
limit it is left behind (:func:`automl.core.run_by`). A booster instead ends its boosting at its first iteration
past the deadline and returns the model of the iterations it has, as AutoGluon's boosters do at their time limit.
The fitted estimator then says how many iterations it holds (:data:`STOPPED_ATTRIBUTE`). ``Algorithm.deadline_hook``
names how a learner is stopped (one entry of :data:`DEADLINE_HOOKS`).
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable

import lightgbm
import xgboost

__all__ = ["DEADLINE_HOOKS", "STOPPED_ATTRIBUTE", "DeadlineHook", "DeadlineStop", "deadline_fit_params"]

#: Set on a fitted estimator whose fit was stopped at its deadline: the iterations it holds.
STOPPED_ATTRIBUTE = "iterations_at_deadline_"


class DeadlineStop:
    """The deadline of one fit, and the iterations fitted when it stopped the fit (None: it did not)."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.iterations: int | None = None

    def due(self, fitted: int) -> bool:
        """True, and ``fitted`` recorded, when the deadline has passed after ``fitted`` iterations."""
        if time.monotonic() < self.deadline:
            return False
        self.iterations = fitted
        return True


def _lightgbm_callbacks(stop: DeadlineStop) -> list[Callable[[Any], None]]:
    def callback(env: Any) -> None:  # lightgbm.callback.CallbackEnv; the model keeps the iterations so far
        if stop.due(env.iteration + 1):
            raise lightgbm.callback.EarlyStopException(env.iteration, env.evaluation_result_list or [])
    return [callback]


class _CatBoostDeadline:
    """CatBoost's ``after_iteration`` callback: False ends the boosting."""

    def __init__(self, stop: DeadlineStop) -> None:
        self.stop = stop

    def after_iteration(self, info: Any) -> bool:
        return not self.stop.due(info.iteration)


class _XGBoostDeadline(xgboost.callback.TrainingCallback):
    """XGBoost's ``after_iteration`` callback: True ends the boosting."""

    def __init__(self, stop: DeadlineStop) -> None:
        super().__init__()
        self.stop = stop

    def after_iteration(self, model: Any, epoch: int, evals_log: dict) -> bool:
        return self.stop.due(epoch + 1)


def _monitor(stop: DeadlineStop) -> Callable[[int, Any, dict], bool]:
    """scikit-learn's gradient boosting ``monitor``, called after each stage: True ends the boosting."""
    def monitor(stage: int, estimator: Any, local: dict) -> bool:
        return stop.due(stage + 1)
    return monitor


@dataclass(frozen=True)
class DeadlineHook:
    """How a learner's fit is stopped at a deadline: ``param`` takes ``make(stop)``.

    ``on_estimator``: ``param`` is a parameter of the estimator (XGBoost's ``callbacks``), set for the fit and
    reset after it so the fitted model does not keep it; else a parameter of ``fit``.
    """

    param: str
    make: Callable[[DeadlineStop], Any]
    on_estimator: bool = False


#: The hooks by name (``Algorithm.deadline_hook``).
DEADLINE_HOOKS: dict[str, DeadlineHook] = {
    "lightgbm": DeadlineHook("callbacks", _lightgbm_callbacks),
    "xgboost": DeadlineHook("callbacks", lambda stop: [_XGBoostDeadline(stop)], on_estimator=True),
    "catboost": DeadlineHook("callbacks", lambda stop: [_CatBoostDeadline(stop)]),
    "sklearn_monitor": DeadlineHook("monitor", _monitor),
}


def deadline_fit_params(hook: str | None, estimator: Any,
                        deadline: float | None) -> tuple[dict[str, Any], Callable[[], None]]:
    """The fit parameters that stop ``estimator`` at ``deadline`` by the hook named ``hook``, and what to call
    after the fit: it resets a hook set on the estimator and, when the deadline stopped the fit, sets
    :data:`STOPPED_ATTRIBUTE`. No hook or no deadline: no parameters, nothing to do."""
    if hook is None or deadline is None:
        return {}, lambda: None
    entry, stop = DEADLINE_HOOKS[hook], DeadlineStop(deadline)
    before = estimator.get_params()[entry.param] if entry.on_estimator else None
    if entry.on_estimator:
        estimator.set_params(**{entry.param: entry.make(stop)})

    def finish() -> None:
        if entry.on_estimator:
            estimator.set_params(**{entry.param: before})
        if stop.iterations is not None:
            setattr(estimator, STOPPED_ATTRIBUTE, stop.iterations)
    return ({} if entry.on_estimator else {entry.param: entry.make(stop)}), finish
