"""Forecasting metrics: Azure's regression metrics, with the normalised ones macro-averaged over
series (each series normalised by its own training range), plus MASE and sMAPE.

Examples
--------
>>> import numpy as np
>>> y, pred, series = np.array([1.0, 2.0, 10.0, 20.0]), np.array([1.0, 3.0, 10.0, 10.0]), np.array([0, 0, 1, 1])
>>> scores = score_forecast(y, pred, series, np.array([0.0, 0.0]), np.array([10.0, 100.0]), np.array([1.0, 10.0]))
>>> round(scores["normalized_mean_absolute_error"], 4), round(scores["mean_absolute_scaled_error"], 4)
(0.05, 0.5)
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np
import pandas as pd

from automl.metrics import average_scores, score_regression

__all__ = ["score_forecast", "score_folds", "fold_scorer", "mase_scale", "EXTRA_METRICS"]

#: Forecasting-only metrics reported beside the regression ones (never primary).
EXTRA_METRICS = ("mean_absolute_scaled_error", "symmetric_mean_absolute_percentage_error")


def mase_scale(y: np.ndarray, season: int) -> float:
    """In-sample mean absolute error of the seasonal naive forecast (MASE's denominator)."""
    y = np.asarray(y, dtype=float)
    m = season if len(y) > season else 1
    if len(y) <= m:
        return float("nan")
    scale = float(np.mean(np.abs(y[m:] - y[:-m])))
    return scale if scale > 0 else float("nan")


def _normalised_mean(value: np.ndarray, width: np.ndarray) -> float:
    """Mean over series of ``value / width`` clipped to [0, 1]; a series without a range scores 0 when
    its error is 0, else 1."""
    exact = np.isclose(value, 0.0)
    normalised = np.where(width > 0, value / np.where(width > 0, width, 1.0), np.where(exact, 0.0, 1.0))
    return float(np.mean(np.clip(normalised, 0.0, 1.0)))


def _per_series(frame: pd.DataFrame) -> pd.DataFrame:
    error = frame["pred"] - frame["y"]
    frame = frame.assign(abs=error.abs(), sq=error ** 2,
                         sq_log=(np.log1p(frame["pred"].clip(lower=0)) - np.log1p(frame["y"].clip(lower=0))) ** 2,
                         smape=np.where((frame["y"].abs() + frame["pred"].abs()) > 0,
                                        2 * error.abs() / (frame["y"].abs() + frame["pred"].abs()), 0.0))
    return frame.groupby("series").agg(mae=("abs", "mean"), medae=("abs", "median"), mse=("sq", "mean"),
                                       msle=("sq_log", "mean"), smape=("smape", "mean"))


def score_forecast(y_true: np.ndarray, y_pred: np.ndarray, series: np.ndarray, range_min: np.ndarray,
                   range_max: np.ndarray, scale: np.ndarray) -> dict[str, float]:
    """Every forecasting metric of one validation window.

    Parameters
    ----------
    y_true, y_pred : ndarray
        Actuals and forecasts of the window's points.
    series : ndarray of int
        Series index of each point.
    range_min, range_max : ndarray
        Training-target range of each series (indexed by series index).
    scale : ndarray
        MASE denominator of each series (:func:`mase_scale`).

    Returns
    -------
    dict of str to float
        Azure's regression metrics (non-normalised ones micro-averaged over all points,
        normalised ones macro-averaged over series), ``mean_absolute_scaled_error`` (mean over
        series) and ``symmetric_mean_absolute_percentage_error`` (percent, mean over series).
    """
    y_true, y_pred = np.asarray(y_true, dtype=float), np.asarray(y_pred, dtype=float)
    series = np.asarray(series, dtype=int)
    scores = score_regression(y_true, y_pred, y_min=float(np.min(range_min[series])),
                              y_max=float(np.max(range_max[series])))
    if not np.isfinite(y_pred).all():
        return {**scores, EXTRA_METRICS[0]: float("inf"), EXTRA_METRICS[1]: 200.0}
    stats = _per_series(pd.DataFrame({"y": y_true, "pred": y_pred, "series": series}))
    index = stats.index.to_numpy()
    span = (range_max[index] - range_min[index]).astype(float)
    log_span = np.log1p(np.clip(range_max[index], 0, None)) - np.log1p(np.clip(range_min[index], 0, None))
    for name, value, width in (("normalized_mean_absolute_error", stats["mae"], span),
                               ("normalized_median_absolute_error", stats["medae"], span),
                               ("normalized_root_mean_squared_error", np.sqrt(stats["mse"]), span),
                               ("normalized_root_mean_squared_log_error", np.sqrt(stats["msle"]), log_span)):
        scores[name] = _normalised_mean(np.asarray(value, dtype=float), width)
    if (range_min[index] < 0).any() or (y_true < 0).any():
        scores["normalized_root_mean_squared_log_error"] = float("nan")
    mase = stats["mae"].to_numpy() / scale[index]
    scores[EXTRA_METRICS[0]] = float(np.nanmean(mase)) if np.isfinite(mase).any() else float("nan")
    scores[EXTRA_METRICS[1]] = float(100.0 * stats["smape"].mean())
    return scores


def score_folds(y_true: np.ndarray, y_pred: np.ndarray, series: np.ndarray, folds: np.ndarray,
                range_min: np.ndarray, range_max: np.ndarray, scale: np.ndarray) -> dict[str, float]:
    """:func:`score_forecast` of each fold's window, averaged over folds."""
    return average_scores([
        score_forecast(y_true[folds == k], y_pred[folds == k], series[folds == k], range_min, range_max, scale)
        for k in np.unique(folds)])


#: The metrics :func:`fold_scorer` computes alone: a per-series mean error over the series' range.
_MEAN_ERRORS = {"normalized_mean_absolute_error": (np.abs, lambda mean: mean),
                "normalized_root_mean_squared_error": (np.square, np.sqrt)}


def fold_scorer(name: str, y_true: np.ndarray, series: np.ndarray, folds: np.ndarray, range_min: np.ndarray,
                range_max: np.ndarray) -> Callable[[np.ndarray], float] | None:
    """``score_folds(...)[name]`` of a finite prediction, without the other metrics, for the metrics
    that are a mean error per series (normalised MAE and RMSE); None for the others.

    An ensemble selection scores hundreds of weighted averages on the primary metric alone; the
    whole set of metrics (rank correlations, medians, a pandas group-by per fold) costs tens of
    milliseconds a call, this a few hundred microseconds.
    """
    if name not in _MEAN_ERRORS:
        return None
    error_of, finish = _MEAN_ERRORS[name]
    y_true, series, folds = np.asarray(y_true, dtype=float), np.asarray(series, dtype=int), np.asarray(folds)
    fold_codes, fold_index = np.unique(folds, return_inverse=True)
    n_series = len(range_min)
    key = fold_index * n_series + series
    counts = np.bincount(key, minlength=len(fold_codes) * n_series).reshape(len(fold_codes), n_series)
    span = np.asarray(range_max, dtype=float) - np.asarray(range_min, dtype=float)

    def score(y_pred: np.ndarray) -> float:
        sums = np.bincount(key, weights=error_of(np.asarray(y_pred, dtype=float) - y_true),
                           minlength=counts.size).reshape(counts.shape)
        per_fold = [_normalised_mean(finish(sums[k][present] / counts[k][present]), span[present])
                    for k, present in enumerate(counts > 0)]
        return math.fsum(per_fold) / len(per_fold)

    return score
