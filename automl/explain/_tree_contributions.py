"""Exact per-row contributions of tree models (TreeSHAP), read from the boosters themselves.

Each reader returns an array of shape ``(rows, outputs, features + 1)``: one block of contributions
per model output (one for regression and binary classification, one per class otherwise), the last
column the base value. Contributions plus base value add up to the model's raw output: the margin
(log-odds; a class's raw score) or the value. None when the estimator is not of the reader's kind, or
the matrix too large to densify.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np
import scipy.sparse as sp

__all__ = ["TREE_CONTRIBUTIONS", "tree_contributions"]

#: Largest featurized matrix (cells) densified for tree contributions.
MAX_DENSE_CELLS = 20_000_000


def _dense(X: Any) -> np.ndarray | None:
    if sp.issparse(X):
        return X.toarray() if X.shape[0] * X.shape[1] <= MAX_DENSE_CELLS else None
    return np.asarray(X, dtype=float)


def _blocks(contrib: np.ndarray, n_rows: int, n_features: int) -> np.ndarray:
    return np.asarray(contrib, dtype=float).reshape(n_rows, -1, n_features + 1)


def _lightgbm(estimator: Any, X: Any) -> np.ndarray | None:
    booster = getattr(estimator, "booster_", None)
    if booster is None or type(booster).__module__.split(".")[0] != "lightgbm":
        return None
    dense = _dense(X)
    return None if dense is None else _blocks(booster.predict(dense, pred_contrib=True), *dense.shape)


def _xgboost(estimator: Any, X: Any) -> np.ndarray | None:
    get_booster = getattr(estimator, "get_booster", None)
    if get_booster is None or type(estimator).__module__.split(".")[0] not in {"xgboost", "automl"}:
        return None
    import xgboost

    dense = _dense(X)
    if dense is None:
        return None
    return _blocks(get_booster().predict(xgboost.DMatrix(dense), pred_contribs=True), *dense.shape)


def _catboost(estimator: Any, X: Any) -> np.ndarray | None:
    from catboost import CatBoost, Pool

    if not isinstance(estimator, CatBoost):
        return None
    dense = _dense(X)
    if dense is None:
        return None
    return _blocks(estimator.get_feature_importance(Pool(dense), type="ShapValues"), *dense.shape)


#: Library name -> reader; tried in order, the first that recognises the estimator answers.
TREE_CONTRIBUTIONS: dict[str, Callable[[Any, Any], np.ndarray | None]] = {
    "LightGBM": _lightgbm, "XGBoost": _xgboost, "CatBoost": _catboost}


def tree_contributions(estimator: Any, X: Any) -> tuple[np.ndarray, str] | None:
    """The exact contributions of ``estimator`` on ``X`` and the library that gave them, or None."""
    for library, read in TREE_CONTRIBUTIONS.items():
        values = read(estimator, X)
        if values is not None:
            return values, library
    return None
