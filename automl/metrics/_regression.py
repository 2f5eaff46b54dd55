"""Regression (and forecasting) metrics of Azure ML AutoML, declared once in a table.

Normalised errors divide by the range of the *training* target (``y_max - y_min``),
which the caller passes in; it stays fixed across cross-validation folds.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
from scipy import stats
from sklearn import metrics as skm

from automl.errors import DataError
from automl.metrics._metric import Metric, quiet

__all__ = ["REGRESSION_METRICS", "score_regression"]

_NAN = float("nan")
_INF = float("inf")


@dataclass(frozen=True)
class RegressionData:
    """Validated regression inputs (float arrays, training-target range)."""

    y: np.ndarray
    pred: np.ndarray
    sample_weight: np.ndarray | None
    y_min: float | None
    y_max: float | None

    @property
    def finite(self) -> bool:
        """False when a prediction is NaN or inf."""
        return bool(np.isfinite(self.pred).all())


def _as_float(values: Any, what: str) -> np.ndarray:
    try:
        return np.asarray(values, dtype=float).ravel()
    except (TypeError, ValueError) as exc:
        raise DataError(f"{what}: expected numbers, got {exc}.") from None


def _prepare(
    y_true: Any, y_pred: Any, y_min: Any, y_max: Any, sample_weight: Any
) -> RegressionData:
    y = _as_float(y_true, "y_true")
    pred = _as_float(y_pred, "y_pred")
    if y.shape != pred.shape:
        raise DataError(f"y_pred: expected {y.shape[0]} predictions, got {pred.shape[0]}.")
    if not np.isfinite(y).all():
        raise DataError("y_true: the target holds NaN or inf; drop those rows before scoring.")
    weight = None if sample_weight is None else _as_float(sample_weight, "sample_weight")
    if weight is not None and weight.shape != y.shape:
        raise DataError(f"sample_weight: expected {y.shape[0]} weights, got {weight.shape[0]}.")
    if (y_min is None) != (y_max is None):
        raise DataError("y_min / y_max: pass both bounds of the training target, or neither.")
    if y_min is not None and not (np.isfinite(y_min) and np.isfinite(y_max) and y_min <= y_max):
        raise DataError(f"y_min / y_max: need finite y_min <= y_max, got {y_min!r}, {y_max!r}.")
    low = None if y_min is None else float(y_min)
    high = None if y_max is None else float(y_max)
    return RegressionData(y, pred, weight, low, high)


def _explained_variance(d: RegressionData) -> float:
    return min(1.0, skm.explained_variance_score(d.y, d.pred, sample_weight=d.sample_weight))


def _r2(d: RegressionData) -> float:
    return float(np.clip(skm.r2_score(d.y, d.pred, sample_weight=d.sample_weight), -1.0, 1.0))


def _spearman(d: RegressionData) -> float:
    """Spearman rank correlation (scipy; sample weights are not supported and ignored)."""
    if len(d.y) < 2:
        return _NAN
    return float(np.clip(stats.spearmanr(d.y, d.pred).statistic, -1.0, 1.0))


def _mae(d: RegressionData) -> float:
    return skm.mean_absolute_error(d.y, d.pred, sample_weight=d.sample_weight)


def _median_ae(d: RegressionData) -> float:
    return skm.median_absolute_error(d.y, d.pred, sample_weight=d.sample_weight)


def _rmse(d: RegressionData) -> float:
    return skm.root_mean_squared_error(d.y, d.pred, sample_weight=d.sample_weight)


def _rmsle(d: RegressionData) -> float:
    """Root mean squared log error; NaN when a target or prediction is negative."""
    if (d.y < 0).any() or (d.pred < 0).any():
        return _NAN
    return skm.root_mean_squared_log_error(d.y, d.pred, sample_weight=d.sample_weight)


def _mape(d: RegressionData) -> float:
    """Mean absolute percentage error as a fraction (scikit-learn); NaN with a zero target."""
    if (d.y == 0).any():
        return _NAN
    return skm.mean_absolute_percentage_error(d.y, d.pred, sample_weight=d.sample_weight)


def _normalised(error: Callable[[RegressionData], float], log: bool, d: RegressionData) -> float:
    """``error / (y_max - y_min)`` of the training target, clipped to [0, 1].

    With ``log`` the range is ``log1p(y_max) - log1p(y_min)``. When the range is
    zero the score is 0 if the predictions equal the truth and 1 otherwise.
    """
    if d.y_min is None or d.y_max is None:
        raise TypeError("normalised metrics need y_min and y_max, the training target range.")
    if log and d.y_min <= -1.0:
        return _NAN
    value = error(d)
    if np.isnan(value):
        return _NAN
    span = np.log1p(d.y_max) - np.log1p(d.y_min) if log else d.y_max - d.y_min
    if span <= 0:
        return 0.0 if np.allclose(d.pred, d.y) else 1.0
    return float(np.clip(value / span, 0.0, 1.0))


def _metric(
    name: str,
    scorer: Callable[[RegressionData], float],
    *,
    greater_is_better: bool = False,
    primary: bool = False,
    worst: float = _INF,
) -> Metric:
    """Wrap ``scorer`` into a :class:`Metric` whose ``compute`` takes raw inputs."""

    def compute(
        y_true: Any,
        y_pred: Any,
        *,
        y_min: float | None = None,
        y_max: float | None = None,
        sample_weight: Any = None,
    ) -> float:
        data = _prepare(y_true, y_pred, y_min, y_max, sample_weight)
        if len(data.y) == 0:
            return _NAN
        if not data.finite:
            return worst
        with quiet():
            return float(scorer(data))

    compute.__name__ = name
    compute.__doc__ = f"Compute {name} from targets and predictions."
    return Metric(name, "regression", greater_is_better, primary, worst, compute)


def _norm(error: Callable[[RegressionData], float], log: bool = False) -> Callable[..., float]:
    return lambda d: _normalised(error, log, d)


_TABLE = [
    _metric("explained_variance", _explained_variance, greater_is_better=True, worst=-_INF),
    _metric("r2_score", _r2, greater_is_better=True, primary=True, worst=-1.0),
    _metric("spearman_correlation", _spearman, greater_is_better=True, primary=True, worst=-1.0),
    _metric("mean_absolute_error", _mae),
    _metric("median_absolute_error", _median_ae),
    _metric("root_mean_squared_error", _rmse),
    _metric("root_mean_squared_log_error", _rmsle),
    _metric("mean_absolute_percentage_error", _mape),
    _metric("normalized_mean_absolute_error", _norm(_mae), primary=True, worst=1.0),
    _metric("normalized_median_absolute_error", _norm(_median_ae), worst=1.0),
    _metric("normalized_root_mean_squared_error", _norm(_rmse), primary=True, worst=1.0),
    _metric("normalized_root_mean_squared_log_error", _norm(_rmsle, log=True), worst=1.0),
]

#: Every regression (and forecasting) metric of Azure AutoML, by Azure name.
REGRESSION_METRICS: dict[str, Metric] = {m.name: m for m in _TABLE}


def score_regression(
    y_true: Any,
    y_pred: Any,
    *,
    y_min: float,
    y_max: float,
    sample_weight: Any = None,
) -> dict[str, float]:
    """Compute every regression metric.

    Parameters
    ----------
    y_true : array-like of shape (n,)
        True target values (finite).
    y_pred : array-like of shape (n,)
        Predictions. Any NaN or inf gives every metric its worst value.
    y_min, y_max : float
        Range of the *training* target, used by the ``normalized_*`` metrics.
    sample_weight : array-like of shape (n,), default=None
        Row weights, passed to scikit-learn (Spearman ignores them).

    Returns
    -------
    dict of str to float
        One entry per metric of :data:`REGRESSION_METRICS`. RMSLE and its normalised
        form are NaN with negative values, MAPE with a zero target.

    Examples
    --------
    >>> scores = score_regression([1.0, 2.0, 3.0], [1.0, 2.0, 4.0], y_min=0.0, y_max=10.0)
    >>> round(scores["normalized_mean_absolute_error"], 4)
    0.0333
    """
    return {
        name: metric.compute(
            y_true, y_pred, y_min=y_min, y_max=y_max, sample_weight=sample_weight
        )
        for name, metric in REGRESSION_METRICS.items()
    }
