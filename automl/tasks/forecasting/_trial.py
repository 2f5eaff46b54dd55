"""Rolling-origin validation and forecasting trials.

A fold's origin is ``horizon + (n_folds - 1 - k) * cv_step_size`` periods before the end of
each series; its validation window is the ``horizon`` periods after the origin. Every
(fold, series, step) is one *validation instance*: trials' ``valid_predictions`` hold one
forecast per instance (``valid_rows`` index the instances), which is what ensembles,
prediction intervals and the back-test report use.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from automl.algorithms import Algorithm
from automl.core import COMPLETED, FAILED, TrialData, TrialResult, TrialSpec, serialized_bytes
from automl.timeseries import (BaseForecaster, ForecastSpec, SeriesData, design_bytes, fold_scorer, mase_scale,
                               score_folds)

__all__ = ["ForecastTrialData", "rolling_origin_cuts", "make_trial_data", "evaluate_forecast_trial",
           "make_forecaster", "trial_memory_bytes"]


def rolling_origin_cuts(series: list[SeriesData], spec: ForecastSpec) -> list[list[tuple[int, int]]]:
    """Per fold (oldest first): ``(series index, history length)`` of every series it validates.

    A series is left out of a fold when the fold's history would be shorter than two points
    or its validation window would touch padded points.
    """
    folds = []
    for k in range(spec.n_cross_validations):
        offset = spec.horizon + (spec.n_cross_validations - 1 - k) * spec.cv_step_size
        folds.append([(i, len(s) - offset) for i, s in enumerate(series)
                      if len(s) - offset >= max(2, s.n_padded, spec.max_lookback + 1)])
    return folds


@dataclass
class ForecastTrialData(TrialData):
    """What a forecasting trial reads: the series, the resolved settings and the instances."""

    series: list[SeriesData] = field(default_factory=list)
    spec: ForecastSpec | None = None
    cuts: list = field(default_factory=list)
    y_true: np.ndarray | None = None
    instance_series: np.ndarray | None = None
    instance_fold: np.ndarray | None = None
    instance_step: np.ndarray | None = None
    range_min: np.ndarray | None = None
    range_max: np.ndarray | None = None
    scale: np.ndarray | None = None

    def score(self, prediction: np.ndarray, rows: np.ndarray | None = None) -> dict[str, float]:
        """Every metric of ``prediction`` (one value per instance, or per ``rows``), averaged over folds."""
        rows = np.arange(len(self.y_true)) if rows is None else rows
        return score_folds(self.y_true[rows], prediction, self.instance_series[rows], self.instance_fold[rows],
                           self.range_min, self.range_max, self.scale)

    def scorer(self, name: str, rows: np.ndarray | None = None) -> Callable[[np.ndarray], float]:
        """``score(prediction, rows)[name]`` of a finite prediction of every instance (or of ``rows``),
        computed alone where the metric allows (:func:`automl.timeseries.fold_scorer`)."""
        rows = np.arange(len(self.y_true)) if rows is None else rows
        alone = fold_scorer(name, self.y_true[rows], self.instance_series[rows], self.instance_fold[rows],
                            self.range_min, self.range_max)
        return alone or (lambda prediction: self.score(prediction, rows).get(name, math.nan))


def make_trial_data(series: list[SeriesData], spec: ForecastSpec) -> ForecastTrialData:
    """The folds' instances and the per-series scoring constants, computed once per job."""
    cuts = rolling_origin_cuts(series, spec)
    y, s_idx, f_idx, steps = [], [], [], []
    for k, fold in enumerate(cuts):
        for i, cut in fold:
            window = series[i].y[cut:cut + spec.horizon]
            y.append(window)
            s_idx.append(np.full(len(window), i))
            f_idx.append(np.full(len(window), k))
            steps.append(np.arange(1, len(window) + 1))
    real = [s.y[s.n_padded:] for s in series]
    data = ForecastTrialData(
        task="forecasting", folds=[], n_pool=int(sum(len(a) for a in y)), series=series, spec=spec, cuts=cuts,
        y_true=np.concatenate(y), instance_series=np.concatenate(s_idx), instance_fold=np.concatenate(f_idx),
        instance_step=np.concatenate(steps), range_min=np.array([float(np.min(r)) for r in real]),
        range_max=np.array([float(np.max(r)) for r in real]),
        scale=np.array([mase_scale(r, spec.season) for r in real]))
    data.y_min, data.y_max = float(data.range_min.min()), float(data.range_max.max())
    return data


def make_forecaster(algorithm: Algorithm, params: dict | None, n_jobs: int = 1) -> BaseForecaster:
    """The unfitted forecaster of a forecasting-registry algorithm."""
    return algorithm.make_estimator(params or {}, n_jobs=n_jobs)


def fold_predictions(algorithm: Algorithm, params: dict, data: ForecastTrialData,
                     n_jobs: int = 1) -> tuple[np.ndarray, int, float]:
    """One forecast per validation instance (a model per fold, fitted on the fold's histories),
    the pickled size of the last fold's forecaster and the seconds spent fitting."""
    horizon = data.spec.horizon
    out, forecaster, fitting = [], None, 0.0
    for fold in data.cuts:
        histories = {i: data.series[i].head(cut) for i, cut in fold}
        started = time.perf_counter()
        forecaster = make_forecaster(algorithm, params, n_jobs).fit(list(histories.values()), data.spec)
        fitting += time.perf_counter() - started
        for i, cut in fold:
            s = data.series[i]
            times, X_future = s.times[cut:cut + horizon], s.X.iloc[cut:cut + horizon]
            out.append(np.asarray(forecaster.predict_series(histories[i], times, X_future), dtype=float))
    return np.concatenate(out), serialized_bytes(forecaster), fitting


def evaluate_forecast_trial(spec: TrialSpec, data: ForecastTrialData, primary_metric: str,
                            n_jobs: int = 1) -> TrialResult:
    """Fit ``spec`` on every rolling-origin fold and score its forecasts; never raises."""
    started = time.time()
    result = TrialResult(spec.iteration, spec.name, spec.algorithm.name, spec.algorithm.preprocessor,
                         dict(spec.params), COMPLETED, started_at=started)
    try:
        prediction, result.model_bytes, result.fit_seconds = fold_predictions(spec.algorithm, spec.params, data,
                                                                              n_jobs)
        result.metrics = data.score(prediction)
        result.score = float(result.metrics.get(primary_metric, np.nan))
        result.valid_rows = np.arange(len(prediction))
        result.valid_predictions = prediction.astype(np.float32)
    except Exception as exc:  # a failing trial never fails the job
        result.status = FAILED
        result.error = f"{type(exc).__name__}: {exc}"
    result.duration_seconds = time.time() - started
    return result


def trial_memory_bytes(spec: TrialSpec, data: ForecastTrialData) -> int:
    """Bytes a forecasting trial holds at its peak: the series, and for a regression learner its
    design matrix (:func:`automl.timeseries.design_bytes`) and the fitted model."""
    series = sum(int(s.y.nbytes) + int(s.X.memory_usage(deep=True).sum()) for s in data.series)
    if getattr(spec.algorithm, "classical", False):
        return series
    rows = sum(len(s) for s in data.series) * (data.spec.horizon if data.spec.uses_lags else 1)
    return series + design_bytes(data.series, data.spec) + spec.algorithm.model_bytes(spec.params, rows)
