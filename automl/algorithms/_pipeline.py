"""A learner's per-model pipeline: densify when it needs dense input, its scaler, the estimator.

Everything here ends up inside fitted models, so it lives with the algorithms (a saved
model never refers to the job engine).
"""
from __future__ import annotations

from typing import Any, Mapping

import numpy as np
import scipy.sparse as sp
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils.metaestimators import available_if

from automl.algorithms._algorithm import Algorithm
from automl.algorithms._deadline_hooks import deadline_fit_params
from automl.algorithms._growing import fit_within, grow_by

__all__ = ["ScoringPipeline", "fit_pipeline", "make_pipeline", "to_dense"]


def to_dense(X: Any) -> Any:
    """Sparse matrices as dense arrays, for estimators that take only dense input."""
    return X.toarray() if sp.issparse(X) else X


def _final_has(method: str):
    return lambda pipeline: hasattr(pipeline._final_estimator, method)


def _no_rows(X: Any) -> bool:
    shape = getattr(X, "shape", None)
    return (shape[0] if shape is not None else len(X)) == 0


class ScoringPipeline(Pipeline):
    """A job's model: a scikit-learn ``Pipeline`` that also scores zero rows.

    scikit-learn's steps refuse an empty table ("Found array with 0 sample(s)"). A batch
    filtered down to no rows is still a batch, so ``predict`` answers it with an empty array
    of the labels' dtype (or float values), and ``predict_proba`` / ``predict_log_proba``
    with an array of 0 rows and one column per class. Any other input goes to ``Pipeline``.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn.linear_model import LogisticRegression
    >>> model = ScoringPipeline([("estimator", LogisticRegression())])
    >>> model = model.fit(pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0]}), ["a", "a", "b", "b"])
    >>> model.predict_proba(pd.DataFrame({"x": []})).shape
    (0, 2)
    """

    def _classes(self) -> np.ndarray | None:
        return getattr(self._final_estimator, "classes_", None)

    @available_if(_final_has("predict"))
    def predict(self, X: Any, **params: Any) -> np.ndarray:
        """Labels or values of ``X``: :meth:`sklearn.pipeline.Pipeline.predict`, or an empty array."""
        if _no_rows(X):
            classes = self._classes()
            return np.empty(0, dtype=np.float64 if classes is None else np.asarray(classes).dtype)
        return super().predict(X, **params)

    @available_if(_final_has("predict_proba"))
    def predict_proba(self, X: Any, **params: Any) -> np.ndarray:
        """Class probabilities of ``X``, or an array of 0 rows and one column per class."""
        if _no_rows(X):
            return np.empty((0, len(self._classes())), dtype=np.float64)
        return super().predict_proba(X, **params)

    @available_if(_final_has("predict_log_proba"))
    def predict_log_proba(self, X: Any, **params: Any) -> np.ndarray:
        """Log class probabilities of ``X``, or an array of 0 rows and one column per class."""
        if _no_rows(X):
            return np.empty((0, len(self._classes())), dtype=np.float64)
        return super().predict_log_proba(X, **params)


def make_pipeline(algorithm: Algorithm, params: Mapping[str, Any] | None = None, n_jobs: int = 1, *,
                  n_rows: int | None = None, n_values: int = 1) -> Pipeline:
    """The unfitted per-model pipeline of ``algorithm``: the scaler, then the estimator.

    Learners that take only dense input get a ``densify`` step first. With ``n_rows`` (the
    rows it will be fitted on; ``n_values``: the classes, or 1) a model whose size grows with
    the rows is capped to :data:`~automl.algorithms.MAX_MODEL_BYTES` (:meth:`Algorithm.sized_params`).
    """
    steps = [] if algorithm.accepts_sparse else [
        ("densify", FunctionTransformer(to_dense, accept_sparse=True))]
    sized = algorithm.sized_params(params, n_rows, n_values)
    return Pipeline([*steps, ("preprocessor", algorithm.make_preprocessor()),
                     ("estimator", algorithm.make_estimator(sized, n_jobs=n_jobs))])


def fit_pipeline(model: Pipeline, algorithm: Algorithm, X: Any, y: np.ndarray,
                 sample_weight: np.ndarray | None = None, max_seconds: float | None = None,
                 deadline: float | None = None) -> Pipeline:
    """Fit ``model`` (from :func:`make_pipeline`) with sample weights where ``algorithm`` takes them.

    With ``max_seconds``, an algorithm that ``grows`` member by member fits as many members as
    the allowance holds (:func:`~automl.algorithms._growing.fit_within`); the estimator's
    parameter then says how many it has. It raises :class:`~automl.algorithms.TooFewMembers` when
    that is fewer than :data:`~automl.algorithms.MIN_MEMBERS`. With ``deadline`` (a ``time.monotonic()``),
    an algorithm with a ``deadline_hook`` ends its boosting at its first iteration past it and keeps the
    iterations it has, which its estimator's ``iterations_at_deadline_`` then says; one that ``grows`` and has
    no hook grows a chunk of members at a time until the next would end past it
    (:func:`~automl.algorithms._growing.grow_by`), and says so the same way.
    """
    fit_params = {}
    if sample_weight is not None and algorithm.supports_sample_weight:
        fit_params["estimator__sample_weight"] = sample_weight
    if algorithm.grows and max_seconds is not None:
        fit_within(model, algorithm.grows, X, y, fit_params, max_seconds)
        return model
    if algorithm.grows and algorithm.deadline_hook is None and deadline is not None:
        grow_by(model, algorithm.grows, X, y, fit_params, deadline)
        return model
    hook_params, finish = deadline_fit_params(algorithm.deadline_hook, model[-1], deadline)
    try:
        return model.fit(X, y, **fit_params, **{f"estimator__{k}": v for k, v in hook_params.items()})
    finally:
        finish()
