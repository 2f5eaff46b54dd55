"""Engineered-feature importance from the model's own figures.

A table of extractors, tried in order on the final estimator of a pipeline:
tree contributions (LightGBM ``pred_contrib``, XGBoost ``pred_contribs``, CatBoost ``ShapValues``: mean
absolute SHAP value per feature), then ``feature_importances_``, then linear
coefficients scaled by each feature's spread. Ensembles (``estimators_``)
average their members' shares by the ensemble's weights (forests have
``feature_importances_`` of their own and are read as one model). With a deadline, the members
reached after it are read without predictions (``feature_importances_``, coefficients): tree
contributions cost a call per member, about a second for an ensemble of boosters on a few rows.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import scipy.sparse as sp
from sklearn.pipeline import Pipeline

from automl.explain._tree_contributions import tree_contributions

__all__ = ["EXTRACTORS", "engineered_importance"]

def _tree(estimator: Any, X: Any) -> np.ndarray | None:
    """Mean |contribution| per feature (:mod:`automl.explain._tree_contributions`); classes summed."""
    found = tree_contributions(estimator, X)
    if found is None:
        return None
    return np.abs(found[0][:, :, :-1]).sum(axis=1).mean(axis=0)


def _feature_importances(estimator: Any, X: Any) -> np.ndarray | None:
    values = getattr(estimator, "feature_importances_", None)
    return None if values is None else np.asarray(values, dtype=float)


def _coefficients(estimator: Any, X: Any) -> np.ndarray | None:
    coef = getattr(estimator, "coef_", None)
    if coef is None:
        return None
    coef = np.abs(np.asarray(coef, dtype=float)).reshape(-1, X.shape[1]).sum(axis=0)
    if sp.issparse(X):
        mean = np.asarray(X.mean(axis=0)).ravel()
        spread = np.sqrt(np.maximum(np.asarray(X.multiply(X).mean(axis=0)).ravel() - mean ** 2, 0))
    else:
        spread = np.asarray(X, dtype=float).std(axis=0)
    return coef * spread


@dataclass(frozen=True)
class Extractor:
    """One way to read importances off a fitted estimator: ``extract(estimator, X)``."""

    method: str
    extract: Callable[[Any, Any], np.ndarray | None]
    predicts: bool = False  # costs predictions on X (skipped when time is short)


#: Tried in order; the first that returns values wins.
EXTRACTORS: tuple[Extractor, ...] = (
    Extractor("tree contributions", _tree, predicts=True),
    Extractor("feature_importances_", _feature_importances),
    Extractor("coefficients", _coefficients),
)


def _shares(values: np.ndarray) -> np.ndarray | None:
    values = np.nan_to_num(np.asarray(values, dtype=float), nan=0.0)
    total = values.sum()
    return values / total if total > 0 else None


def _ensemble(estimator: Any, X: Any, quick: bool, deadline: float | None) -> tuple[np.ndarray | None, str | None]:
    members = getattr(estimator, "estimators_", None)
    if not members or isinstance(estimator, Pipeline):
        return None, None
    weights = getattr(estimator, "weights", None)
    weights = np.ones(len(members)) if weights is None else np.asarray(weights, dtype=float)
    total, used, methods = None, 0.0, set()
    for member, weight in zip(members, weights):
        late = deadline is not None and time.perf_counter() >= deadline
        shares, method = _importance(member, X, quick or late, deadline)
        if shares is None or shares.shape[0] != X.shape[1]:
            continue
        total = shares * weight if total is None else total + shares * weight
        used += weight
        methods.add(method)
    if total is None or used <= 0:
        return None, None
    return total / used, "ensemble of " + " and ".join(sorted(methods))


def _importance(model: Any, X: Any, quick: bool = False,
                deadline: float | None = None) -> tuple[np.ndarray | None, str | None]:
    """Shares of ``model`` (a pipeline, an ensemble or an estimator) on its input ``X``; an ensemble's
    members reached after ``deadline`` (a ``time.perf_counter()``) are read as with ``quick``."""
    if isinstance(model, Pipeline):
        if len(model.steps) > 1:
            X = model[:-1].transform(X)
        model = model.steps[-1][1]
    for extractor in EXTRACTORS:
        if quick and extractor.predicts:
            continue
        values = extractor.extract(model, X)
        if values is not None and values.shape[0] == X.shape[1]:
            shares = _shares(values)
            if shares is not None:
                return shares, extractor.method
    return _ensemble(model, X, quick, deadline)  # voting and stack ensembles: their members' shares


def engineered_importance(model: Any, X_engineered: Any, quick: bool = False,
                          deadline: float | None = None) -> tuple[np.ndarray | None, str | None]:
    """Importance shares of each engineered feature for ``model``.

    Parameters
    ----------
    model : estimator
        What follows the featurization in the best model: a
        ``Pipeline(preprocessor, estimator)``, a voting or stack ensemble of them,
        or a bare estimator.
    X_engineered : array-like or sparse matrix
        Featurized validation rows (the input of ``model``).
    quick : bool, default=False
        Skip the extractors that predict (tree contributions) and read the
        models' own figures (``feature_importances_``, coefficients) instead.
    deadline : float, optional
        A ``time.perf_counter()``: the members of an ensemble reached after it are read as with
        ``quick``, so that an ensemble of many boosters stops predicting by then (the member under way
        finishes).

    Returns
    -------
    shares : ndarray or None
        One value per engineered feature, summing to 1; None when the model
        exposes no importances.
    method : str or None
        Which extractor produced them.
    """
    return _importance(model, X_engineered, quick, deadline)
