"""Where the model errs: a shallow, readable tree over the raw columns, and a heat map of the error rate.

As Azure's error analysis: the tree is fitted to predict which rows the model gets wrong (a wrong
class; for values, an absolute error above a percentile of the errors), and each node reports its
rows, its error rate and its error coverage (its share of all the errors). The heat map bins one or
two columns and reports the error rate of each cell.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import pandas as pd
from sklearn.tree import DecisionTreeClassifier

from automl.errors import DataError

__all__ = ["ErrorAnalysis", "analyse_errors", "error_heatmap", "error_tree", "prediction_errors"]

#: Levels of a categorical column that get a branch of their own in the tree (the rest are "other").
TOP_LEVELS = 10
#: The error tree's depth and its smallest node, as a share of the rows (at least MIN_NODE_ROWS).
MAX_DEPTH, MIN_NODE_SHARE, MIN_NODE_ROWS = 3, 0.02, 10
#: Regression: a row is an error when its absolute error is above this percentile of them.
ERROR_PERCENTILE = 90
#: Bins per column of the heat map; a column of more levels than MAX_HEATMAP_LEVELS is not binned.
HEATMAP_BINS, MAX_HEATMAP_LEVELS = 4, 30


@dataclass
class ErrorAnalysis:
    """The error tree and heat map of a model on some rows.

    Attributes
    ----------
    nodes : DataFrame
        One row per tree node, root first: ``node``, ``parent``, ``depth``, ``condition`` (the node's own
        split, readable), ``rule`` (the conditions from the root, as ``(column, op, value)`` tuples),
        ``rows``, ``errors``, ``error_rate``, ``error_coverage``, ``leaf``.
    heatmap : DataFrame or None
        The error rate per cell of the binned ``heatmap_columns`` (one column: a single row of cells).
    heatmap_rows : DataFrame or None
        Rows per cell.
    heatmap_columns : list of str
    error_rate : float
        Over all rows.
    definition : str
        What counts as an error.
    source : str
        Which rows were analysed ("test data", "out-of-fold validation predictions", ...).
    """

    nodes: pd.DataFrame
    heatmap: pd.DataFrame | None
    heatmap_rows: pd.DataFrame | None
    heatmap_columns: list[str]
    error_rate: float
    definition: str
    source: str = ""
    notes: list[str] = field(default_factory=list)


def prediction_errors(y_true: Any, predicted: Any, *, classes: bool,
                      percentile: float = ERROR_PERCENTILE) -> tuple[np.ndarray, str]:
    """Which rows are errors, and what an error is: a wrong class, or an absolute error above ``percentile``."""
    y_true, predicted = np.asarray(y_true), np.asarray(predicted)
    if classes:
        return y_true != predicted, "a wrong class"
    absolute = np.abs(y_true.astype(float) - predicted.astype(float))
    threshold = float(np.percentile(absolute, percentile))
    return absolute > threshold, f"an absolute error above its {percentile:g}th percentile ({threshold:.4g})"


def _is_numeric(column: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)


def _encode(X: pd.DataFrame) -> tuple[pd.DataFrame, list[tuple[str, str | None]]]:
    """Numbers as they are (missing kept), other columns as indicators of their most common levels; and
    each encoded feature's ``(column, level)`` (level None for a number)."""
    parts, origins = {}, []
    for name in X.columns:
        column = X[name]
        if _is_numeric(column):
            parts[f"{len(parts)}"] = column.astype(float).to_numpy()
            origins.append((str(name), None))
            continue
        text = column.astype("string").fillna("(missing)")
        for level in text.value_counts().index[:TOP_LEVELS]:
            parts[f"{len(parts)}"] = (text == level).to_numpy(dtype=float)
            origins.append((str(name), str(level)))
    return pd.DataFrame(parts, index=X.index), origins


def _split(origin: tuple[str, str | None], threshold: float, left: bool,
           missing_left: bool) -> tuple[str, tuple[str, str, Any]]:
    """A branch's readable condition and its rule."""
    column, level = origin
    if level is not None:
        return (f"{column} ≠ {level}", (column, "!=", level)) if left else (f"{column} = {level}", (column, "==", level))
    op = "<=" if left else ">"
    missing = left == missing_left
    rule = (column, op + (" or missing" if missing else ""), float(threshold))
    return f"{column} {'≤' if left else '>'} {threshold:.4g}{' or missing' if missing else ''}", rule


def error_tree(X: pd.DataFrame, errors: np.ndarray, *, max_depth: int = MAX_DEPTH, seed: int = 0) -> pd.DataFrame:
    """The error tree's nodes (see :class:`ErrorAnalysis`); each node's figures counted on ``X``'s rows."""
    errors = np.asarray(errors, dtype=bool)
    encoded, origins = _encode(X)
    min_rows = max(MIN_NODE_ROWS, int(MIN_NODE_SHARE * len(X)))
    tree = DecisionTreeClassifier(max_depth=max_depth, min_samples_leaf=min_rows, random_state=seed)
    tree.fit(encoded.to_numpy(), errors)
    structure = tree.tree_
    membership = tree.decision_path(encoded.to_numpy()).tocsc()
    rows = np.asarray(membership.sum(axis=0)).ravel()
    counted = membership.T @ errors.astype(float)
    total_errors = max(1.0, float(errors.sum()))
    records: list[dict[str, Any]] = []
    pending = [(0, -1, 0, "all rows", [])]  # depth first, left before right: the order an indented tree reads
    while pending:
        node, parent, depth, condition, rule = pending.pop()
        leaf = structure.children_left[node] == -1
        records.append({"node": node, "parent": parent, "depth": depth, "condition": condition, "rule": rule,
                        "rows": int(rows[node]), "errors": int(counted[node]),
                        "error_rate": float(counted[node] / rows[node]) if rows[node] else float("nan"),
                        "error_coverage": float(counted[node] / total_errors), "leaf": bool(leaf)})
        if leaf:
            continue
        origin, threshold = origins[structure.feature[node]], structure.threshold[node]
        missing_left = bool(getattr(structure, "missing_go_to_left", np.ones(structure.node_count))[node])
        for child, left in ((structure.children_right[node], False), (structure.children_left[node], True)):
            text, step = _split(origin, threshold, left, missing_left)
            pending.append((child, node, depth + 1, text, rule + [step]))
    return pd.DataFrame(records)


def _binned(column: pd.Series, bins: int) -> pd.Categorical:
    """Quantile bins of a number (in order), or the most common levels; missing values and the rest last."""
    if _is_numeric(column) and column.nunique() > bins:
        cut = pd.qcut(column.astype(float), q=bins, duplicates="drop")
        labels = [str(c) for c in cut.cat.categories]
        text = cut.astype("string").fillna("(missing)")
    else:
        text = column.astype("string").fillna("(missing)")
        labels = [str(v) for v in text.value_counts().index[:bins + 2] if v != "(missing)"]
        text = text.where(text.isin(labels) | (text == "(missing)"), "(other)")
    order = labels + [extra for extra in ("(other)", "(missing)") if (text == extra).any()]
    return pd.Categorical(text.to_numpy(dtype=object), categories=order, ordered=True)


def _binnable(column: pd.Series) -> bool:
    """A number, or a column of few enough levels that its cells mean something (not names, not ids)."""
    return _is_numeric(column) or column.nunique() <= MAX_HEATMAP_LEVELS


def error_heatmap(X: pd.DataFrame, errors: np.ndarray, columns: Sequence[str],
                  bins: int = HEATMAP_BINS) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The error rate and the rows of each cell of one or two binned ``columns``."""
    frame = pd.DataFrame({"error": np.asarray(errors, dtype=float)}, index=X.index)
    keys = []
    for name in columns[:2]:
        frame[name] = _binned(X[name], bins)
        keys.append(name)
    grouped = frame.groupby(keys, observed=True, dropna=False)["error"]
    if len(keys) == 1:
        return grouped.mean().to_frame("error_rate").T, grouped.size().to_frame("rows").T
    return grouped.mean().unstack(keys[1]), grouped.size().unstack(keys[1]).fillna(0).astype(int)


def analyse_errors(X: pd.DataFrame, errors: np.ndarray, definition: str, *, columns: Sequence[str] = (),
                   source: str = "", max_depth: int = MAX_DEPTH, seed: int = 0) -> ErrorAnalysis:
    """The error tree of ``X``'s rows, and the heat map over ``columns`` (those that bin: numbers, or at most
    :data:`MAX_HEATMAP_LEVELS` levels; by default the first two such columns of ``X``).

    Raises
    ------
    DataError
        No rows, ``errors`` of another length, or a heat-map column ``X`` lacks.
    """
    errors = np.asarray(errors, dtype=bool)
    if len(X) == 0 or len(errors) != len(X):
        raise DataError(f"error analysis needs rows and one error flag per row: got {len(X)} rows and "
                        f"{len(errors)} flags.")
    unknown = [c for c in columns if c not in X.columns]
    if unknown:
        raise DataError(f"error analysis: no column {unknown[0]!r} in the rows; columns: {', '.join(map(str, X.columns))}.")
    columns = [c for c in columns if _binnable(X[c])] or [str(c) for c in X.columns if _binnable(X[c])][:2]
    columns = columns[:2]
    heatmap, cells = error_heatmap(X, errors, columns) if columns else (None, None)
    return ErrorAnalysis(error_tree(X, errors, max_depth=max_depth, seed=seed), heatmap, cells, columns,
                         float(errors.mean()), definition, source)
