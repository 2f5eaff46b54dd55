"""Counterfactuals: the smallest changes to a row, in at most three columns, that change its prediction.

A documented search of our own (Microsoft's ``dice-ml`` is not used: it targets older pandas).
For each row, every mutable column (numbers, and categories of at most 30 levels: names, ids and
text are left as they are) gets a few candidate values taken from the reference rows (their
quantiles for a number, their most common levels otherwise), so no candidate leaves a column's
observed range or categories. Single changes are scored first; when none reaches the goal, pairs
and then triples of the changes that moved the prediction most towards it. Of the changed rows
that reach the goal, the closest are returned (distance: each numeric change over the column's
interquartile range, each category change 1). Every counterfactual returned was scored by the model.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Any, Sequence

import numpy as np
import pandas as pd

from automl.errors import ConfigError, DataError

__all__ = ["Counterfactuals", "find_counterfactuals"]

#: Candidate values per column, columns combined in the second and third rounds, counterfactuals per row.
CANDIDATES, COMBINED, PER_ROW = 8, 6, 3
MAX_CHANGED_COLUMNS = 3
#: A column of more levels than this that is not a number (names, ids, text) is never changed.
MAX_LEVELS = 30


@dataclass
class Counterfactuals:
    """Counterfactual rows and what changed.

    Attributes
    ----------
    changes : DataFrame
        One row per counterfactual: ``row`` (the index of the original row), ``changed`` (``"age: 35 -> 52;
        sector: private -> public"``), ``n_changed``, ``distance``, ``original`` and ``prediction`` (the
        model's prediction before and after).
    rows : DataFrame
        The counterfactual rows themselves, raw, in the order of ``changes``.
    goal : str
        What each counterfactual achieves ("another class than the row's", "a value in [a, b]").
    """

    changes: pd.DataFrame
    rows: pd.DataFrame
    goal: str


def _candidates(reference: pd.Series, value: Any) -> list[Any]:
    observed = reference.dropna()
    if observed.empty:
        return []
    if pd.api.types.is_numeric_dtype(observed) and not pd.api.types.is_bool_dtype(observed):
        points = np.unique(np.quantile(observed.astype(float), np.linspace(0.02, 0.98, CANDIDATES)))
        if pd.api.types.is_integer_dtype(observed):
            points = np.unique(np.round(points)).astype(observed.dtype)
        else:  # four significant digits: values a person reads
            points = np.unique([float(f"{p:.4g}") for p in points])
        return [p for p in points.tolist() if pd.isna(value) or p != value]
    return [v for v in observed.value_counts().index[:CANDIDATES].tolist() if v != value]


def _changeable(reference: pd.Series) -> bool:
    """A number, or a category of at most :data:`MAX_LEVELS` levels: names, ids and free text are not changed."""
    numeric = pd.api.types.is_numeric_dtype(reference) and not pd.api.types.is_bool_dtype(reference)
    return numeric or reference.nunique() <= MAX_LEVELS


def _scale(reference: pd.Series) -> float:
    observed = reference.dropna()
    if not (pd.api.types.is_numeric_dtype(observed) and not pd.api.types.is_bool_dtype(observed)) or observed.empty:
        return 0.0
    q1, q3 = np.quantile(observed.astype(float), [0.25, 0.75])
    spread = float(q3 - q1) or float(observed.max() - observed.min()) or 1.0
    return spread


def _distance(changes: Sequence[tuple[str, Any, Any]], scales: dict[str, float]) -> float:
    total = 0.0
    for column, old, new in changes:
        scale = scales[column]
        total += 1.0 if scale == 0.0 or pd.isna(old) else abs(float(new) - float(old)) / scale
    return total


class _Goal:
    """What a changed row must achieve, and how close a prediction is to it (larger: closer)."""

    def __init__(self, model: Any, desired_range: tuple[float, float] | None) -> None:
        self.model = model
        self.classes = getattr(model, "classes_", None)
        if self.classes is None and desired_range is None:
            raise ConfigError("counterfactuals of a regression model need desired_range=(low, high): the range "
                              "the prediction should move into.")
        self.desired_range = desired_range

    def describe(self) -> str:
        if self.classes is not None:
            return "another class than the row's"
        return f"a predicted value in [{self.desired_range[0]:g}, {self.desired_range[1]:g}]"

    def score(self, rows: pd.DataFrame, original_class: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each row's prediction, whether it reaches the goal, and its closeness to it."""
        predicted = self.model.predict(rows)
        if self.classes is not None:
            proba = self.model.predict_proba(rows)
            own = proba[:, list(self.classes).index(original_class)]
            return predicted, predicted != original_class, -own
        low, high = self.desired_range
        values = np.asarray(predicted, dtype=float)
        return predicted, (values >= low) & (values <= high), -np.maximum(low - values, values - high)


def _search_row(row: pd.Series, original: Any, reference: pd.DataFrame, mutable: list[str], goal: _Goal,
                scales: dict[str, float], dtypes: dict[str, Any]) -> list[tuple[list[tuple[str, Any, Any]], Any]]:
    """The closest changes of ``row`` (predicted ``original``) that reach the goal, with their predictions."""
    singles = [[(c, row[c], v)] for c in mutable for v in _candidates(reference[c], row[c])]
    found: list[tuple[list[tuple[str, Any, Any]], Any]] = []
    tried = singles
    for size in range(1, MAX_CHANGED_COLUMNS + 1):
        if not tried:
            break
        batch = pd.DataFrame([row.to_dict()] * len(tried)).astype(dtypes)
        for i, changes in enumerate(tried):
            for column, _, new in changes:
                batch.at[i, column] = new
        predicted, reached, closeness = goal.score(batch, original)
        found += [(tried[i], predicted[i]) for i in np.flatnonzero(reached)]
        if found or size == MAX_CHANGED_COLUMNS:
            break
        if size == 1:  # the single changes that moved the prediction most, one per column, combined
            best: dict[str, int] = {}
            for i in np.argsort(-closeness):
                best.setdefault(tried[i][0][0], int(i))
            leading = [tried[i][0] for i in list(best.values())[:COMBINED]]
            tried = [list(pair) for pair in combinations(leading, 2)]
        else:
            tried = [list(triple) for triple in combinations(leading, 3)]
    found.sort(key=lambda item: _distance(item[0], scales))
    return found[:PER_ROW]


def find_counterfactuals(model: Any, X: pd.DataFrame, reference: pd.DataFrame, *,
                         immutable: Sequence[str] = (), desired_range: tuple[float, float] | None = None
                         ) -> Counterfactuals:
    """Counterfactuals of each row of ``X`` under ``model`` (see the module's description).

    Parameters
    ----------
    model : estimator
        Fitted, taking raw rows.
    X : DataFrame
        The rows, raw (a few: each costs a few hundred predictions).
    reference : DataFrame
        Rows whose ranges and categories the changes keep to (the training or validation rows).
    immutable : sequence of str
        Columns never changed.
    desired_range : (float, float), optional
        Regression: the range the prediction must move into.

    Raises
    ------
    ConfigError
        A regression model without ``desired_range``, or an unknown immutable column.
    DataError
        No rows, or rows whose columns the reference lacks.
    """
    unknown = [c for c in immutable if c not in X.columns]
    if unknown:
        raise ConfigError(f"counterfactuals: immutable column {unknown[0]!r} is not a column of the rows; "
                          f"columns: {', '.join(map(str, X.columns))}.")
    if len(X) == 0 or any(c not in reference.columns for c in X.columns):
        raise DataError("counterfactuals need rows, with the columns of the reference rows.")
    goal = _Goal(model, desired_range)
    reference = reference[list(X.columns)]
    mutable = [c for c in X.columns if c not in set(immutable) and _changeable(reference[c])]
    scales = {c: _scale(reference[c]) for c in mutable}
    records, rows = [], []
    dtypes = X.dtypes.to_dict()
    for (index, row), original in zip(X.iterrows(), model.predict(X)):
        for changes, predicted in _search_row(row, original, reference, mutable, goal, scales, dtypes):
            changed = row.copy()
            for column, _, new in changes:
                changed[column] = new
            rows.append(changed)
            records.append({"row": index, "changed": "; ".join(f"{c}: {o} -> {n}" for c, o, n in changes),
                            "n_changed": len(changes), "distance": round(_distance(changes, scales), 4),
                            "original": original, "prediction": predicted})
    frame = pd.DataFrame(rows).astype(dtypes) if rows else X.iloc[:0]
    return Counterfactuals(pd.DataFrame(records, columns=["row", "changed", "n_changed", "distance", "original",
                                                          "prediction"]),
                           frame.reset_index(drop=True), goal.describe())
