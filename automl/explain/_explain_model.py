"""Explaining a fitted model on raw validation rows."""
from __future__ import annotations

import time
from typing import Any, Sequence

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from automl.errors import ConfigError, DataError
from automl.explain._engineered import engineered_importance
from automl.explain._explanation import Explanation
from automl.explain._featurized_shuffles import FeaturizedShuffles
from automl.explain._permutation import (metric_prediction, permutation_importance, prediction_score,
                                         scoring_metric, shuffle_importance)
from automl.explain._surrogate import RawEncoder, Surrogate
from automl.metrics import Metric

__all__ = ["MAX_ROWS", "MAX_SECONDS", "explain_model", "explanation_rows"]

#: Validation rows permutation importance is computed on, at most.
MAX_ROWS = 2000
#: Rows kept at least when the time budget shrinks the sample.
MIN_ROWS = 200
#: Rows a prediction is timed on; a model too slow to shuffle is explained through a surrogate
#: trained on that prediction.
TIMED_ROWS = 500
#: Seconds an explanation aims to take at most (jobs do not count it in their timeout).
MAX_SECONDS = 60.0
#: Validation rows engineered importance (tree contributions) is read on, at most.
ENGINEERED_ROWS = 500
#: Share of the time budget kept for engineered importance after the shuffles.
ENGINEERED_SHARE = 0.2
#: Rows engineered importance is first timed on, to size the sample to the time left.
PROBE_ROWS = 25
#: Seconds left at least for that probe: tree contributions of an ensemble of boosters cost about a
#: second for a few rows (LightGBM's ``pred_contrib`` has a large cost per call); with less left, the
#: models' own importances are read instead.
MIN_PROBE_SECONDS = 1.0


def explanation_rows(n_rows: int, rows: Sequence[int] | None = None, limit: int = MAX_ROWS,
                     seed: int = 0) -> np.ndarray:
    """Positions to explain on: ``rows`` (default all ``n_rows``), a fixed sample of ``limit``."""
    rows = np.arange(n_rows) if rows is None else np.unique(np.asarray(rows, dtype=int))
    if len(rows) > limit:
        rows = np.sort(np.random.default_rng(seed).choice(rows, size=limit, replace=False))
    return rows


def _timed_prediction(model: Any, X: pd.DataFrame, metric: Metric,
                      shuffles: FeaturizedShuffles | None = None) -> tuple[float, np.ndarray]:
    """Seconds one prediction of ``model`` takes per row, timed on the first :data:`TIMED_ROWS` rows of
    ``X``, and that prediction (what the metric scores: probabilities or values). With ``shuffles``,
    the prediction of their featurized rows by the steps after the featurization, as the shuffles
    are predicted."""
    n = min(len(X), TIMED_ROWS)
    predictor, sample = (model, X.iloc[:n]) if shuffles is None else (shuffles.tail, shuffles.first_rows(n))
    started = time.perf_counter()
    prediction = metric_prediction(predictor, metric, sample)
    return (time.perf_counter() - started) / n, prediction


def _rows_within(per_row: float, n_rows: int, calls: int, max_seconds: float | None) -> int:
    """How many of ``n_rows`` fit ``calls`` predictions in ``max_seconds``."""
    if max_seconds is None or n_rows <= MIN_ROWS:
        return n_rows
    affordable = int(max_seconds / max(per_row * calls, 1e-9))
    return int(min(n_rows, max(MIN_ROWS, affordable)))


def _engineered_frame(model: Any, X: pd.DataFrame, names: Sequence[str] | None, quick: bool = False,
                      deadline: float | None = None) -> tuple[pd.DataFrame | None, str | None]:
    if not isinstance(model, Pipeline) or len(model.steps) < 2:
        return None, None
    featurizer, rest = model[:1], model[1:]
    X_engineered = featurizer.transform(X)
    rest = rest.steps[0][1] if len(rest.steps) == 1 else rest
    shares, method = engineered_importance(rest, X_engineered, quick, deadline)
    if shares is None:
        return None, None
    names = list(names or [])
    if len(names) != len(shares):
        names = [f"feature_{i}" for i in range(len(shares))]
    frame = pd.DataFrame({"feature": [str(n) for n in names], "importance": shares})
    frame = frame.sort_values("importance", ascending=False, kind="stable").reset_index(drop=True)
    return frame, method


def _engineered_within(model: Any, X: pd.DataFrame, names: Sequence[str] | None, deadline: float | None,
                       seed: int) -> tuple[pd.DataFrame | None, str | None]:
    """Engineered importance on at most ENGINEERED_ROWS rows, as many as the time left allows.

    Tree contributions of deep boosters cost hundreds of predictions per row: they
    are timed on a few rows first; when even a small sample would not fit before
    ``deadline``, the models' own importances are read instead.
    """
    rows = explanation_rows(len(X), limit=ENGINEERED_ROWS, seed=seed)
    if deadline is None:
        return _engineered_frame(model, X.iloc[rows], names)
    if deadline - time.perf_counter() < MIN_PROBE_SECONDS:
        return _engineered_frame(model, X.iloc[rows], names, quick=True)
    started = time.perf_counter()
    probe = _engineered_frame(model, X.iloc[rows[:PROBE_ROWS]], names, deadline=deadline)
    per_row = (time.perf_counter() - started) / min(len(rows), PROBE_ROWS)
    affordable = int((deadline - time.perf_counter()) / max(per_row, 1e-9))
    if affordable >= len(rows):
        return _engineered_frame(model, X.iloc[rows], names, deadline=deadline)
    if affordable >= MIN_ROWS // 2:
        return _engineered_frame(model, X.iloc[rows[:affordable]], names, deadline=deadline)
    if probe[0] is not None and affordable >= PROBE_ROWS:
        return probe
    return _engineered_frame(model, X.iloc[rows], names, quick=True)


def _raw_importance(model: Any, X: pd.DataFrame, y: np.ndarray, metric: Metric, n_repeats: int, seed: int,
                    shuffle_seconds: float | None, deadline: float | None, scoring: dict[str, Any]
                    ) -> tuple[pd.DataFrame, float, pd.DataFrame, np.ndarray, str, dict[str, Any]]:
    """Permutation importance within ``shuffle_seconds``: on fewer rows (at least :data:`MIN_ROWS`) when
    a timed prediction shows all would not fit, through a surrogate when even those would not. The rows
    are featurized once when the model allows (:class:`FeaturizedShuffles`).

    Returns the importance, the baseline score, the rows and target explained, the method and details.
    """
    started = time.perf_counter()
    shuffles = FeaturizedShuffles.of(model, X, seed)
    if shuffle_seconds is None:
        raw, baseline = shuffle_importance(model, X, y, shuffles, metric=metric, n_repeats=n_repeats, seed=seed,
                                           **scoring)
        return raw, baseline, X, y, "permutation", {}
    left = shuffle_seconds - (time.perf_counter() - started)  # less the featurization of the shuffles
    per_row, timed = _timed_prediction(model, X, metric, shuffles)
    calls = X.shape[1] * n_repeats + 2
    keep = _rows_within(per_row, len(X), calls, left)
    # A surrogate needs more than one column to rank and finite predictions to learn.
    if per_row * keep * calls > left and X.shape[1] > 1 and np.isfinite(timed).all():
        X, y = X.iloc[: len(timed)], y[: len(timed)]
        raw, baseline, details = _surrogate_importance(model, X, y, timed, metric, n_repeats, seed, deadline,
                                                       per_row * keep * calls, scoring)
        return raw, baseline, X, y, "surrogate permutation", details
    if keep < len(X):
        rows = explanation_rows(len(X), limit=keep, seed=seed)
        X, y = X.iloc[rows].reset_index(drop=True), y[rows]
        shuffles = None if shuffles is None else shuffles.take(rows)
    raw, baseline = shuffle_importance(model, X, y, shuffles, metric=metric, n_repeats=n_repeats, seed=seed,
                                       deadline=deadline, **scoring)
    return raw, baseline, X, y, "permutation", {}


def explain_model(model: Any, X: pd.DataFrame, y: Any, *, metric: Metric | str,
                  engineered_feature_names: Sequence[str] | None = None, n_repeats: int = 3,
                  max_rows: int = MAX_ROWS, max_seconds: float | None = MAX_SECONDS, seed: int = 0,
                  **scoring: Any) -> Explanation:
    """Raw-feature and engineered-feature importance of a fitted model.

    Parameters
    ----------
    model : estimator
        Fitted, taking raw rows: ``result.best_model`` (any algorithm, ensembles
        included). When it is a pipeline whose first step is the featurization,
        engineered-feature importance is read off the steps after it.
    X : DataFrame
        Raw validation rows (at most ``max_rows`` are used, a fixed sample).
    y : array-like
        Their target.
    metric : Metric or str
        The metric shuffles are scored with (the job's primary metric). A name is looked up
        among the classification metrics for a model with ``classes_`` (or with ``classes``
        given), else among the regression metrics.
    engineered_feature_names : sequence of str, optional
        Names of the featurization's outputs (``result.engineered_feature_names``).
    n_repeats : int, default=3
    max_rows : int, default=2000
    max_seconds : float or None, default=60
        Time budget: when a timed prediction shows the shuffles would take longer
        than 80% of it, fewer rows are used (at least 200); when even those would not fit,
        a LightGBM surrogate trained on the model's predictions of the timed rows is
        shuffled instead (``raw_method="surrogate permutation"``, Azure's mimic explainer);
        columns not reached in time get NaN; engineered importance reads the models' own
        importances instead of tree contributions when those would not fit. None for no budget.
    seed : int, default=0
    **scoring
        ``classes``, ``positive_label`` (class probabilities); ``y_min``, ``y_max``
        (values: the training-target range, for normalised metrics).

    Returns
    -------
    Explanation

    Raises
    ------
    ConfigError
        For an unknown metric, or ``n_repeats < 1``.
    DataError
        When ``X`` has no rows or ``y`` a different length.

    Examples
    --------
    >>> from sklearn.linear_model import LinearRegression
    >>> X = pd.DataFrame({"a": np.arange(50.0), "b": np.zeros(50)})
    >>> model = LinearRegression().fit(X, 2 * X["a"])
    >>> e = explain_model(model, X, 2 * X["a"], metric="r2_score")
    >>> list(e.raw_importance["feature"])
    ['a', 'b']
    """
    metric = scoring_metric(metric, model, scoring.get("classes"))
    if isinstance(n_repeats, bool) or not isinstance(n_repeats, int) or n_repeats < 1:
        raise ConfigError(f"explain_model: n_repeats must be a whole number >= 1, got {n_repeats!r}.")
    y = np.asarray(y)
    if len(X) == 0 or len(X) != len(y):
        raise DataError(f"explain_model needs validation rows with a target: got {len(X)} rows "
                        f"and {len(y)} target values.")
    started = time.perf_counter()
    rows = explanation_rows(len(X), limit=max_rows, seed=seed)
    X, y = X.iloc[rows].reset_index(drop=True), y[rows]
    deadline = None if max_seconds is None else started + max_seconds
    shuffle_seconds = None if max_seconds is None else (1 - ENGINEERED_SHARE) * max_seconds
    shuffle_deadline = None if max_seconds is None else started + shuffle_seconds
    raw, baseline, X, y, raw_method, details = _raw_importance(model, X, y, metric, n_repeats, seed, shuffle_seconds,
                                                               shuffle_deadline, scoring)
    out_of_time = []  # the budget is a promise: what was left out is said
    if shuffle_deadline is not None and time.perf_counter() > shuffle_deadline:
        out_of_time.append(f"{int(raw['importance'].isna().sum())} raw column(s) were not shuffled")
    if deadline is not None and time.perf_counter() > deadline:
        engineered, method = None, None
        out_of_time.append("engineered importance was skipped")
    else:
        engineered, method = _engineered_within(model, X, engineered_feature_names, deadline, seed)
    if out_of_time:
        details["note"] = f"time budget of {max_seconds:g} s reached: " + " and ".join(out_of_time)
    details["seconds"] = round(time.perf_counter() - started, 3)
    return Explanation(raw, engineered, metric.name, baseline, len(X), n_repeats, method, details=details,
                       raw_method=raw_method)


def _surrogate_importance(model: Any, X: pd.DataFrame, y: np.ndarray, timed: np.ndarray, metric: Metric,
                          n_repeats: int, seed: int, deadline: float, estimate: float,
                          scoring: dict[str, Any]) -> tuple[pd.DataFrame, float, dict[str, Any]]:
    """Permutation importance of a :class:`Surrogate` trained on ``timed`` (``model``'s prediction of
    ``X``); the baseline is ``model``'s own score on those rows."""
    if metric.probabilities and scoring.get("classes") is None:
        scoring = {**scoring, "classes": model.classes_}
    encoder = RawEncoder().fit(X)
    encoded = encoder.transform(X)
    surrogate = Surrogate("probabilities" if metric.probabilities else "values", seed=seed).fit(
        encoded, timed, categorical=encoder.categorical_columns())
    raw, _ = permutation_importance(surrogate, encoded, y, metric=metric, n_repeats=n_repeats, seed=seed,
                                    deadline=deadline, **scoring)
    details = {"surrogate_fidelity": round(surrogate.fidelity_, 4),
               "surrogate": (f"shuffling the model's own predictions would have taken about {estimate:.0f} s: "
                             f"a LightGBM surrogate trained on its predictions of these rows was shuffled "
                             f"(R² {surrogate.fidelity_:.3f} on rows held out of its fit)")}
    return raw, prediction_score(model, metric, timed, y, **scoring), details
