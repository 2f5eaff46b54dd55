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
"""
from __future__ import annotations

import time
from typing import Any, Mapping

import numpy as np
from sklearn.pipeline import Pipeline

__all__ = ["MIN_MEMBERS", "SAFETY", "TooFewMembers", "fit_within"]

#: Share of the time left the remaining members are planned to fill (their time varies).
SAFETY = 0.85
#: Fewest members worth keeping (the search spaces' lower bound of ``n_estimators``), or fewer when
#: fewer were asked for.
MIN_MEMBERS = 10


class TooFewMembers(RuntimeError):
    """The time allowance holds fewer members than :data:`MIN_MEMBERS`; the message says how many."""


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
    Xt = model[:-1].fit_transform(X, y) if len(model) > 1 else X
    estimator = model[-1]
    wanted = int(estimator.get_params()[param])
    estimator_params = {k.split("__", 1)[1]: v for k, v in fit_params.items()}
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
