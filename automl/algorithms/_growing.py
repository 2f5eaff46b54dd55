"""Fitting an ensemble learner (forests, gradient boosting) within a time allowance, tree by tree.

AutoGluon fits its forests this way: a first tree tells the time per tree, and the learner
gets as many more (``warm_start``) as fit in what is left of its allowance. A
trial short of time so ends with a smaller model that it reports honestly (its
``n_estimators``), instead of being stopped with nothing to show.

When the first member shows that fewer than :data:`MIN_MEMBERS` would fit, the learner is given up
(:class:`TooFewMembers`), as AutoGluon skips a forest whose minimum of trees does not fit its time:
a forest of one tree scores like a single unpruned tree (on 7,500 rows of 2,510 columns, r2 -0.2
where the job's boosted trees scored 0.44) and the rest of the trial's folds would spend the slot's
time on it.

A final model's fit held to a deadline grows the same way (:func:`grow_by`): a chunk of members at a time,
the first at least :data:`MIN_MEMBERS`, keeping those it has when the next chunk would end past the
deadline, as a booster keeps its iterations (:mod:`automl.algorithms._deadline_hooks`).
"""
from __future__ import annotations

import time
from typing import Any, Mapping

import numpy as np
from sklearn.pipeline import Pipeline

from automl.algorithms._deadline_hooks import STOPPED_ATTRIBUTE

__all__ = ["DEADLINE_CHUNKS", "MIN_MEMBERS", "SAFETY", "TooFewMembers", "fit_within", "grow_by"]

#: Share of the time left the remaining members are planned to fill (their time varies).
SAFETY = 0.85
#: Fewest members worth keeping (the search spaces' lower bound of ``n_estimators``), or fewer when
#: fewer were asked for.
MIN_MEMBERS = 10
#: A fit held to a deadline grows its members in this many chunks: it stops at most a chunk early.
DEADLINE_CHUNKS = 10


class TooFewMembers(RuntimeError):
    """The time allowance holds fewer members than :data:`MIN_MEMBERS`; the message says how many."""


def _ready_to_grow(model: Pipeline, param: str, X: Any, y: np.ndarray, fit_params: Mapping[str, Any]
                   ) -> tuple[Any, Any, int, dict[str, Any]]:
    """The rows after ``model``'s steps before its estimator (those steps fitted once), the estimator, the
    members it is asked for (its ``param``) and its own fit parameters (``fit_params`` without the step's
    prefix)."""
    Xt = model[:-1].fit_transform(X, y) if len(model) > 1 else X
    estimator = model[-1]
    return (Xt, estimator, int(estimator.get_params()[param]),
            {k.split("__", 1)[1]: v for k, v in fit_params.items()})


def fit_within(model: Pipeline, param: str, X: Any, y: np.ndarray, fit_params: Mapping[str, Any],
               max_seconds: float) -> int:
    """Fit ``model`` (a pipeline ending in a ``warm_start`` ensemble) so that it takes about
    ``max_seconds`` at most; return the members fitted (the estimator's ``param`` says so too).

    The steps before the estimator are fitted once; the estimator gets one member first (on large
    data with slow settings, even a tenth of the members can take longer than the allowance), then
    as many of the rest as fit in :data:`SAFETY` of the time left.

    Raises
    ------
    TooFewMembers
        When the first member shows that fewer than ``min(MIN_MEMBERS, n_estimators)`` fit.
    """
    started = time.monotonic()
    Xt, estimator, wanted, estimator_params = _ready_to_grow(model, param, X, y, fit_params)
    fitted = 1
    estimator.set_params(warm_start=True, **{param: fitted})
    first = time.monotonic()
    estimator.fit(Xt, y, **estimator_params)
    per_member = (time.monotonic() - first) / fitted
    left = max_seconds - (time.monotonic() - started)
    more = max(0, min(wanted - fitted, int(SAFETY * left / per_member))) if per_member > 0 else wanted - fitted
    if fitted + more < min(MIN_MEMBERS, wanted):
        raise TooFewMembers(
            f"{fitted + more} of its {wanted} members ({param}) fit the {max_seconds:.1f} s it may take "
            f"(the first took {per_member:.2f} s); fewer than {min(MIN_MEMBERS, wanted)} are not worth keeping")
    if more > 0:
        fitted += more
        estimator.set_params(**{param: fitted})
        estimator.fit(Xt, y, **estimator_params)
    estimator.set_params(warm_start=False)
    return fitted


def grow_by(model: Pipeline, param: str, X: Any, y: np.ndarray, fit_params: Mapping[str, Any],
            deadline: float) -> int:
    """Fit ``model`` (a pipeline ending in a ``warm_start`` ensemble) a chunk of members at a time (a
    :data:`DEADLINE_CHUNKS`-th of its ``param``) until all are fitted or the next chunk, at the pace of the
    last one, would end past ``deadline`` (a ``time.monotonic()``). The first chunk, always fitted, holds at
    least :data:`MIN_MEMBERS` (or all asked for, when fewer): fewer are not worth keeping, as in a trial.
    Return the members fitted. The members are those of one fit of that many (a forest draws each
    member's seed in turn); when they are fewer than asked, the estimator's ``param`` says how many and
    its ``iterations_at_deadline_`` (:data:`STOPPED_ATTRIBUTE`) too.
    """
    Xt, estimator, wanted, estimator_params = _ready_to_grow(model, param, X, y, fit_params)
    chunk = max(1, -(-wanted // DEADLINE_CHUNKS))
    fitted, per_member = 0, 0.0
    try:
        while fitted < wanted:
            size = min(chunk if fitted else max(chunk, MIN_MEMBERS), wanted - fitted)
            if fitted and time.monotonic() + size * per_member > deadline:
                break
            started = time.monotonic()
            estimator.set_params(warm_start=True, **{param: fitted + size})
            estimator.fit(Xt, y, **estimator_params)
            fitted, per_member = fitted + size, (time.monotonic() - started) / size
    finally:
        estimator.set_params(warm_start=False)
    if fitted < wanted:
        setattr(estimator, STOPPED_ATTRIBUTE, fitted)
    return fitted
