"""Per-row explanations: how much each raw column moved one prediction.

Two methods, tried in order (:data:`ROW_METHODS`):

- **Exact tree contributions** (TreeSHAP) when the model is the featurization followed by a
  LightGBM, XGBoost or CatBoost model, or a bag of them (the fold models' contributions, weighted as
  the bag weights them). Engineered features are summed back to the raw column each came from
  (:func:`featurizers.raw_feature_origins`), as Azure does for raw importance. What is explained
  is the raw output: the value (regression), or the margin (log-odds) of the positive class
  (binary) or of the predicted class; for a bag, its fold models' margins averaged. Contributions
  plus the base value add up to it.
- **Sampling Shapley values** (Štrumbelj and Kononenko, 2014) for any other model, the voting and
  stack ensembles included: for each row, random orderings of the raw columns, each walked from a
  background row (a fixed sample of validation rows) to the row, one column at a time; a column's
  value is its mean change of the output along the walks. What is explained is the probability of
  the positive or predicted class, or the value. The estimates add up exactly to the output minus
  the base value (the mean output of the background rows used), and converge to the Shapley values
  as the orderings grow.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import pandas as pd
from sklearn.ensemble import VotingClassifier, VotingRegressor
from sklearn.pipeline import Pipeline

from featurizers import raw_feature_origins

from automl.errors import DataError
from automl.explain._tree_contributions import tree_contributions

__all__ = ["ROW_METHODS", "RowExplanation", "explain_rows"]

#: Orderings of the columns per row for sampling Shapley values.
DEFAULT_PERMUTATIONS = 16


@dataclass
class RowExplanation:
    """The contribution of each raw column to each row's output.

    Attributes
    ----------
    contributions : DataFrame
        One row per explained row (the index of ``X``), one column per raw column.
    base_value : ndarray
        The output before any column is known, per row.
    output : ndarray
        What is explained, per row: ``base_value + contributions.sum(axis=1)``.
    method : str
        How the values were computed (``"exact tree contributions (LightGBM)"``,
        ``"sampling Shapley values (16 orderings, 20 background rows)"``).
    explained : str
        What ``output`` is (``"margin (log-odds) of class '>50K'"``, ``"predicted value"``, ...).
    classes : list or None
        Classification: the class each row's output is of.
    """

    contributions: pd.DataFrame
    base_value: np.ndarray
    output: np.ndarray
    method: str
    explained: str
    classes: list | None = None

    def top(self, row: Any, k: int = 5) -> pd.DataFrame:
        """The ``k`` largest contributions (by size) of row ``row`` (an index label of ``X``)."""
        values = self.contributions.loc[row]
        order = values.abs().sort_values(ascending=False).index[:k]
        return pd.DataFrame({"column": order, "contribution": values[order].to_numpy()})


def _target_class(classes: np.ndarray, predicted: np.ndarray, n_outputs: int) -> np.ndarray:
    """Index of the class explained per row: the positive (second) class of a binary model with one
    output, else each row's predicted class."""
    if n_outputs == 1:
        return np.ones(len(predicted), dtype=int)
    lookup = {label: i for i, label in enumerate(classes.tolist())}
    return np.array([lookup[label] for label in np.asarray(predicted).tolist()], dtype=int)


def _members(rest: Any) -> list[tuple[Any, float]] | None:
    """The fitted models after the featurization, with their weights: one, or the members of a soft vote (a bag
    of fold models, or a VotingEnsemble)."""
    steps = rest.steps
    if len(steps) == 1 and isinstance(steps[0][1], (VotingClassifier, VotingRegressor)):
        bag = steps[0][1]
        weights = np.ones(len(bag.estimators_)) if bag.weights is None else np.asarray(bag.weights, float)
        return list(zip(bag.estimators_, weights / weights.sum()))
    return [(rest, 1.0)]


def _featurized(model: Pipeline, X: pd.DataFrame) -> tuple[Any, list[str], Pipeline]:
    """The model's input after the featurization, the raw column of each of its features, and the rest of
    the model; a pipeline without the featurization takes ``X``'s columns as they are."""
    if model.steps[0][0] == "datatransformer" and len(model.steps) > 1:
        transformer = model.steps[0][1]
        return transformer.transform(X), raw_feature_origins(transformer), model[1:]
    return X, [str(c) for c in X.columns], model


def _exact(model: Any, X: pd.DataFrame) -> RowExplanation | None:
    if not isinstance(model, Pipeline):
        return None
    engineered, origins, rest = _featurized(model, X)
    members = _members(rest)
    total, libraries = None, set()
    for member, weight in members:
        inputs = member[:-1].transform(engineered) if isinstance(member, Pipeline) and len(member) > 1 else engineered
        estimator = member[-1] if isinstance(member, Pipeline) else member
        found = tree_contributions(estimator, inputs)
        if found is None:
            return None
        total = found[0] * weight if total is None else total + found[0] * weight
        libraries.add(found[1])
    classes = getattr(model, "classes_", None)
    if classes is not None:
        index = _target_class(np.asarray(classes), model.predict(X), total.shape[1])
        block = total[np.arange(len(X)), index - (1 if total.shape[1] == 1 else 0)]
        explained_classes = list(np.asarray(classes)[index])
        explained = ("margin (log-odds) of the positive class" if total.shape[1] == 1
                     else "margin of each row's predicted class")
    else:
        block, explained_classes, explained = total[:, 0], None, "predicted value"
    if len(members) > 1:
        explained += (f", averaged over the {len(members)} models of the soft vote (which averages their "
                      "probabilities)" if classes is not None else f", averaged over the {len(members)} models")
    raw = pd.DataFrame(0.0, index=X.index, columns=[str(c) for c in X.columns])
    for feature, column in enumerate(origins):
        raw[column] += block[:, feature]
    base = block[:, -1]
    return RowExplanation(raw, base, base + raw.to_numpy().sum(axis=1),
                          f"exact tree contributions ({', '.join(sorted(libraries))})", explained, explained_classes)


def _output_function(model: Any, X: pd.DataFrame) -> tuple[Callable[[pd.DataFrame, np.ndarray], np.ndarray],
                                                           list | None, str]:
    """What the sampling explains: f(rows, owner) -> one number per row, for the explained row ``owner``."""
    classes = getattr(model, "classes_", None)
    if classes is None or not hasattr(model, "predict_proba"):
        return (lambda rows, owner: np.asarray(model.predict(rows), dtype=float)), None, "predicted value"
    classes = np.asarray(classes)
    index = _target_class(classes, model.predict(X), 1 if len(classes) == 2 else len(classes))

    def probability(rows: pd.DataFrame, owner: np.ndarray) -> np.ndarray:
        return model.predict_proba(rows)[np.arange(len(rows)), index[owner]]

    what = "probability of the positive class" if len(classes) == 2 else "probability of each row's predicted class"
    return probability, list(classes[index]), what


def _walks(X: pd.DataFrame, background: pd.DataFrame, n_permutations: int,
           rng: np.random.Generator) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Every walk's rows: for each row of ``X`` and ordering, a background row turned into the row one column
    at a time (``d + 1`` rows). Also returned: each walk step's row owner and the orderings."""
    n, d = X.shape
    orders = np.array([[rng.permutation(d) for _ in range(n_permutations)] for _ in range(n)])  # (n, P, d)
    positions = np.argsort(orders, axis=2)                                                      # (n, P, d)
    known = positions[:, :, None, :] < np.arange(d + 1)[None, None, :, None]                   # (n, P, d+1, d)
    starts = rng.integers(len(background), size=(n, n_permutations))
    owner = np.repeat(np.arange(n), n_permutations * (d + 1))
    start_rows = np.repeat(starts.ravel(), d + 1)
    columns = {}
    for j, name in enumerate(X.columns):
        own = X[name].to_numpy()[owner]
        other = background[name].to_numpy()[start_rows]
        values = np.where(known[..., j].ravel(), own, other)
        columns[name] = pd.Series(values, dtype=X[name].dtype) if X[name].dtype != object else values
    return pd.DataFrame(columns), owner, orders


def _sampled(model: Any, X: pd.DataFrame, background: pd.DataFrame, n_permutations: int,
             seed: int) -> RowExplanation:
    f, classes, explained = _output_function(model, X)
    n, d = X.shape
    rows, owner, orders = _walks(X, background.reset_index(drop=True), n_permutations, np.random.default_rng(seed))
    values = f(rows, owner).reshape(n, n_permutations, d + 1)
    steps = np.diff(values, axis=2)                                       # (n, P, d): the column added at step k
    contributions = np.zeros((n, d))
    for i in range(n):
        for p in range(n_permutations):
            contributions[i, orders[i, p]] += steps[i, p]
    contributions /= n_permutations
    base = values[:, :, 0].mean(axis=1)
    return RowExplanation(pd.DataFrame(contributions, index=X.index, columns=list(X.columns)), base,
                          values[:, 0, -1], f"sampling Shapley values ({n_permutations} orderings, "
                          f"{len(background)} background rows)", explained, classes)


#: The methods, tried in order: the exact one answers None for a model that is not made of tree models.
ROW_METHODS: tuple[tuple[str, Callable[..., RowExplanation | None]], ...] = (
    ("exact tree contributions", lambda model, X, background, n_permutations, seed: _exact(model, X)),
    ("sampling Shapley values", lambda model, X, background, n_permutations, seed:
        _sampled(model, X, background, n_permutations, seed)),
)


def explain_rows(model: Any, X: pd.DataFrame, background: pd.DataFrame, *,
                 n_permutations: int = DEFAULT_PERMUTATIONS, seed: int = 0, exact: bool = True) -> RowExplanation:
    """The contribution of each raw column of ``X`` to each of its rows' outputs under ``model``.

    Parameters
    ----------
    model : estimator
        A fitted model taking raw rows (``result.best_model``).
    X : DataFrame
        The rows to explain, raw.
    background : DataFrame
        Raw rows the sampling method starts its walks from (``result.check_rows``: a fixed sample of
        validation rows); unused by the exact method.
    n_permutations : int
        Orderings of the columns per row (sampling method).
    seed : int
    exact : bool
        Try exact tree contributions first (False: always sample).

    Returns
    -------
    RowExplanation

    Raises
    ------
    DataError
        ``X`` has no rows, or columns ``background`` lacks.
    """
    if len(X) == 0:
        raise DataError("explain_rows needs at least one row to explain.")
    missing = [c for c in X.columns if c not in background.columns]
    if missing:
        raise DataError(f"explain_rows: the background rows lack the column(s) {missing[:5]}; give rows with "
                        "the training data's columns.")
    for _, method in ROW_METHODS[0 if exact else 1:]:
        found = method(model, X, background[list(X.columns)], n_permutations, seed)
        if found is not None:
            return found
    raise AssertionError("the sampling method always answers")
