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

from automl.algorithms._algorithm import Algorithm
from automl.algorithms._growing import fit_within

__all__ = ["fit_pipeline", "make_pipeline", "to_dense"]


def to_dense(X: Any) -> Any:
    """Sparse matrices as dense arrays, for estimators that take only dense input."""
    return X.toarray() if sp.issparse(X) else X


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
                 sample_weight: np.ndarray | None = None, max_seconds: float | None = None) -> Pipeline:
    """Fit ``model`` (from :func:`make_pipeline`) with sample weights where ``algorithm`` takes them.

    With ``max_seconds``, an algorithm that ``grows`` member by member fits as many members as
    the allowance holds (:func:`~automl.algorithms._growing.fit_within`); the estimator's
    parameter then says how many it has.
    """
    fit_params = {}
    if sample_weight is not None and algorithm.supports_sample_weight:
        fit_params["estimator__sample_weight"] = sample_weight
    if algorithm.grows and max_seconds is not None:
        fit_within(model, algorithm.grows, X, y, fit_params, max_seconds)
        return model
    return model.fit(X, y, **fit_params)
