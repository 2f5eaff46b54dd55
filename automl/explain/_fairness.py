"""Fairness: every metric of the task per group of the sensitive columns, with the largest gap.

fairlearn's ``MetricFrame`` groups the rows; each metric is scored the way the job scores it
(:func:`automl.metrics.score`: class probabilities, or values against the training-target range).
"""
from __future__ import annotations

import warnings

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import pandas as pd
from fairlearn.metrics import MetricFrame

from automl.errors import DataError
from automl.metrics import score

__all__ = ["FairnessReport", "fairness_report"]


@dataclass
class FairnessReport:
    """The task's metrics per group of ``sensitive_features``.

    Attributes
    ----------
    by_group : DataFrame
        One row per group (a value, or a combination of values, of the sensitive columns), one
        column per metric, and ``rows``.
    difference, ratio : Series
        Per metric: the largest difference between two groups, and the smallest ratio
        (fairlearn's ``between_groups``).
    sensitive_features : list of str
    """

    by_group: pd.DataFrame
    difference: pd.Series
    ratio: pd.Series
    sensitive_features: list[str]


def _metric(name: str, scores: Callable[[np.ndarray, np.ndarray], dict[str, float]]) -> Callable[..., float]:
    return lambda y_true, rows: scores(y_true, rows).get(name, float("nan"))


def fairness_report(y_true: Any, prediction: np.ndarray, sensitive: pd.DataFrame, *, classes: Any = None,
                    positive_label: Any = None, y_min: float | None = None,
                    y_max: float | None = None) -> FairnessReport:
    """Every metric of the task per group of the ``sensitive`` columns' values.

    Parameters
    ----------
    y_true : array-like
    prediction : ndarray
        Class probabilities (columns in ``classes`` order), or values.
    sensitive : DataFrame
        The sensitive columns of the same rows.
    classes, positive_label, y_min, y_max
        As :func:`automl.metrics.score` takes them.
    """
    y_true = np.asarray(y_true)
    if len(sensitive) != len(y_true) or len(prediction) != len(y_true):
        raise DataError(f"fairness needs one prediction and one group per row: {len(y_true)} rows, "
                        f"{len(prediction)} predictions, {len(sensitive)} groups.")
    cache: dict[bytes, dict[str, float]] = {}

    def scores(truth: np.ndarray, rows: np.ndarray) -> dict[str, float]:
        key = np.asarray(rows, dtype=np.int64).tobytes()
        if key not in cache:
            cache[key] = score(truth, prediction[np.asarray(rows, dtype=int)], classes=classes,
                               positive_label=positive_label, y_min=y_min, y_max=y_max)
        return cache[key]

    names = [n for n, v in scores(y_true, np.arange(len(y_true))).items() if isinstance(v, float)]
    groups = sensitive.astype("string").fillna("(missing)").reset_index(drop=True)
    with warnings.catch_warnings():  # a small group holds one class: its metrics say so themselves (NaN or 0)
        warnings.filterwarnings("ignore", message="A single label was found", category=UserWarning)
        frame = MetricFrame(metrics={n: _metric(n, scores) for n in names}, y_true=y_true,
                            y_pred=np.arange(len(y_true)), sensitive_features=groups)
    by_group = frame.by_group.copy()
    counts = groups.iloc[:, 0].value_counts() if groups.shape[1] == 1 else groups.value_counts()
    by_group["rows"] = counts.reindex(by_group.index).to_numpy()
    return FairnessReport(by_group, frame.difference(method="between_groups"),
                          frame.ratio(method="between_groups"), list(sensitive.columns))
