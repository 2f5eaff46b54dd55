"""The responsible-AI insights of a job's best model, within the time it has left.

In the order a person reads them: error analysis (where the model errs), fairness (with
``sensitive_features``), per-row explanations of a sample of rows, counterfactuals of a few.
They are computed on the test data when the job has some, otherwise on the best trial's out-of-fold
validation predictions (:meth:`automl.tasks.Task.insight_rows`), never on rows the model was refit
on. Each is timed; what does not fit in the time given is skipped with a note, and an insight that
fails is a note too: the job has its model.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import pandas as pd

from automl.errors import DataError
from automl.explain import (
    Counterfactuals,
    ErrorAnalysis,
    FairnessReport,
    RowExplanation,
    analyse_errors,
    explain_rows,
    fairness_report,
    find_counterfactuals,
    prediction_errors,
)

__all__ = ["INSIGHT_ROWS", "Insights", "compute_insights", "predicted_labels"]

logger = logging.getLogger("automl")

#: Rows explained one by one, rows given counterfactuals, and background rows of the sampling method.
INSIGHT_ROWS, COUNTERFACTUAL_ROWS, BACKGROUND_ROWS = 10, 3, 40


@dataclass
class Insights:
    """What :func:`compute_insights` found: each insight, or None with a note saying why."""

    source: str = ""
    error_analysis: ErrorAnalysis | None = None
    fairness: FairnessReport | None = None
    rows: RowExplanation | None = None
    counterfactuals: Counterfactuals | None = None
    seconds: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def predicted_labels(prediction: np.ndarray, classes: list | None) -> np.ndarray:
    """Labels of class probabilities (columns in ``classes`` order), or the values as they are."""
    if classes is None:
        return np.asarray(prediction, dtype=float)
    return np.asarray(classes, dtype=object)[np.asarray(prediction).argmax(axis=1)]


def _noted(insights: Insights, found: RowExplanation | str) -> RowExplanation | None:
    """``found``, or None with its reason among the notes."""
    if isinstance(found, str):
        insights.notes.append(found)
        return None
    return found


def _regression_goal(y: np.ndarray) -> tuple[float, float]:
    """The range a regression counterfactual aims for by default: the top quarter of the target."""
    low, high = np.nanquantile(np.asarray(y, dtype=float), [0.75, 1.0])
    return float(low), float(high)


def compute_insights(model: Any, rows: tuple[pd.DataFrame, np.ndarray, np.ndarray, str] | str, *,
                     classes: list | None, positive_label: Any, target_range: tuple[float, float] | None,
                     sensitive_features: list[str], immutable_features: list[str], importance: list[str],
                     max_seconds: float, seed: int = 0,
                     row_explainer: Callable[[int, int, int], RowExplanation | str] | None = None) -> Insights:
    """The insights of ``model`` on ``rows`` (:meth:`automl.tasks.Task.insight_rows`) in ``max_seconds``.

    With a ``row_explainer`` (rows that are not the model's inputs: forecasting's series windows), the
    per-row explanations are its own (``row_explainer(n_rows, n_background, seed)``) and counterfactuals
    do not apply; fairness covers those of ``sensitive_features`` the rows have.
    """
    if isinstance(rows, str):
        return Insights(notes=[rows])
    X, y, prediction, source = rows
    insights = Insights(source=source)
    missing = [c for c in sensitive_features if c not in X.columns]
    if missing:
        insights.notes.append(f"fairness: the analysed rows have no column {', '.join(missing)}")
        sensitive_features = []
    deadline = time.monotonic() + max_seconds
    rng = np.random.default_rng(seed)
    sample = X.iloc[np.sort(rng.choice(len(X), size=min(INSIGHT_ROWS, len(X)), replace=False))]
    background = X.iloc[rng.choice(len(X), size=min(BACKGROUND_ROWS, len(X)), replace=False)]
    if target_range is None and classes is None:  # values without a recorded range: the rows' own
        target_range = (float(np.nanmin(y)), float(np.nanmax(y)))
    y_min, y_max = target_range if target_range is not None else (None, None)
    steps: list[tuple[str, str, Callable[[], Any]]] = [
        ("error_analysis", "error analysis", lambda: analyse_errors(
            X, *prediction_errors(y, predicted_labels(prediction, classes), classes=classes is not None),
            columns=[c for c in importance if c in X.columns], source=source, seed=seed)),
        ("fairness", "fairness", lambda: fairness_report(
            y, prediction, X[sensitive_features], classes=classes, positive_label=positive_label, y_min=y_min,
            y_max=y_max) if sensitive_features else None),
        ("rows", "per-row explanations", lambda: explain_rows(model, sample, background, seed=seed)
         if row_explainer is None else _noted(insights, row_explainer(INSIGHT_ROWS, BACKGROUND_ROWS, seed))),
        ("counterfactuals", "counterfactuals", lambda: find_counterfactuals(
            model, sample.head(COUNTERFACTUAL_ROWS), X, immutable=immutable_features,
            desired_range=None if classes is not None else _regression_goal(y))),
    ]
    if row_explainer is not None:
        steps = steps[:3]
        insights.notes.append("counterfactuals do not apply to these rows (validation forecasts by series, horizon "
                              "step and window, not the model's inputs)")
    for key, label, compute in steps:
        if time.monotonic() >= deadline:
            insights.notes.append(f"{label} skipped: the {max_seconds:.0f} s the insights had were spent")
            continue
        started = time.monotonic()
        try:
            setattr(insights, key, compute())
        except Exception as exc:  # an insight must never fail a job that has its model
            insights.notes.append(f"{label} failed: {type(exc).__name__}: {exc}")
            logger.warning("%s of the best model failed: %s: %s", label, type(exc).__name__, exc)
        insights.seconds[key] = time.monotonic() - started
    if not sensitive_features and not missing:
        insights.notes.append("fairness: no sensitive_features were given (job.set_insights(sensitive_features=[...]), "
                              "or later `automl report JOB --insights --sensitive-features COLUMN`)")
    return insights


def _split_target(data: pd.DataFrame, target: str | None) -> tuple[pd.DataFrame, np.ndarray]:
    if target is None or target not in data.columns:
        raise DataError(f"the rows need the target column {target!r} to say where the model errs; give labelled "
                        "rows (the test data, for example).")
    return data.drop(columns=[target]), data[target].to_numpy()


def scored_rows(model: Any, data: pd.DataFrame, target: str | None, classes: list | None
                ) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Labelled ``data`` split into raw rows and target, with the model's prediction (probabilities or values)."""
    X, y = _split_target(data, target)
    prediction = model.predict_proba(X) if classes is not None else np.asarray(model.predict(X), dtype=float)
    return X, y, prediction
