"""The final forecaster: refit on the full histories, scored on test data, and its back-test frame."""
from __future__ import annotations

import numpy as np
import pandas as pd

from automl.core import TrialResult
from automl.tasks._task import REFIT_MARGIN
from automl.tasks.forecasting._prepare import ForecastData
from automl.tasks.forecasting._trial import make_forecaster
from automl.timeseries import (FORECASTING, ForecastingModel, fits_side_by_side, out_of_fold_standardised,
                               residual_scales, score_forecast)

__all__ = ["BACKTEST_COLUMNS", "backtest_frame", "history_growth", "refit_forecaster", "refit_seconds",
           "refit_speedup", "score_test"]

#: Columns of the back-test frame (``result.backtest_forecasts``).
BACKTEST_COLUMNS = ["series", "time", "actual", "forecast", "lower", "upper"]
#: What each core beyond the first adds when the series' models are fitted side by side (joblib
#: processes): ExponentialSmoothing on 304 quarterly series took 16.5 s in one process, 11.7 s in two.
PARALLEL_SERIES_EFFICIENCY = 0.7


def history_growth(prepared: ForecastData) -> float:
    """The points of the full histories (the refit's) over those of the mean rolling-origin fold."""
    full = sum(len(s) - s.n_padded for s in prepared.series)
    folds = [sum(cut - prepared.series[i].n_padded for i, cut in fold) for fold in prepared.trial.cuts]
    mean = float(np.mean(folds)) if folds else 0.0
    return full / mean if mean > 0 else 1.0


def refit_speedup(algorithm_name: str, n_series: int, workers: int) -> float:
    """How much quicker than in its trial (one process) the refit with ``workers`` cores fits a forecaster:
    the per-series searches (classical models with a thread parameter) when they run side by side
    (:func:`~automl.timeseries.fits_side_by_side`); a learner's one model gains nothing counted."""
    if not fits_side_by_side(workers, n_series):
        return 1.0
    algorithm = FORECASTING[algorithm_name]
    if not (algorithm.classical and algorithm.thread_param):
        return 1.0
    return 1.0 + PARALLEL_SERIES_EFFICIENCY * (workers - 1)


def refit_seconds(members: list[TrialResult], prepared: ForecastData, workers: int) -> float:
    """Seconds the refit of ``members`` on the full histories should take, one member after the other:
    one fold's fit of each (its trial's fits over the folds; its whole duration when it measured none
    apart), scaled by the longer histories and the margin, over the member's speedup with ``workers``.
    A trial's forecasts, series by series, often cost more than its fits and are not counted."""
    n_folds = max(1, len(prepared.trial.cuts))
    scale = REFIT_MARGIN * history_growth(prepared)
    return sum(scale * (m.fit_seconds or m.duration_seconds) / n_folds
               / refit_speedup(m.algorithm, len(prepared.series), workers) for m in members)


def _scales(trial: TrialResult, prepared: ForecastData) -> tuple[dict[tuple, np.ndarray], np.ndarray]:
    """Error scale per series and step, and the back-test errors in units of the scales of the
    other folds (:func:`~automl.timeseries.out_of_fold_standardised`)."""
    data = prepared.trial
    errors = data.y_true - np.asarray(trial.valid_predictions, dtype=float)
    sigma = residual_scales(errors, data.instance_series, data.instance_step, len(prepared.series),
                            prepared.spec.horizon)
    standard = out_of_fold_standardised(errors, data.instance_series, data.instance_step, data.instance_fold,
                                        len(prepared.series), prepared.spec.horizon)
    return {s.key: sigma[i] for i, s in enumerate(prepared.series)}, standard[np.isfinite(standard)]


def refit_forecaster(trial: TrialResult, prepared: ForecastData, n_jobs: int = 1) -> ForecastingModel:
    """The forecaster of ``trial`` (or the members of a VotingEnsemble) fitted on the full histories."""
    members = trial.ensemble.members if trial.ensemble is not None else [trial]
    weights = list(trial.ensemble.weights) if trial.ensemble is not None else None
    forecasters = [(m.name, make_forecaster(FORECASTING[m.algorithm], m.params, n_jobs)) for m in members]
    scales, standard_errors = _scales(trial, prepared)
    model = ForecastingModel(forecasters, weights, scales, standard_errors)
    return model.fit(prepared.series, prepared.spec)


def score_test(model: ForecastingModel, prepared: ForecastData) -> dict[str, float] | None:
    """The forecasting metrics of ``model`` on the test data, or None without test data."""
    if prepared.X_test is None:
        return None
    prediction = model.predict(prepared.X_test)
    keys = [tuple(row) for row in prepared.X_test[prepared.spec.id_columns].itertuples(index=False, name=None)] \
        if prepared.spec.id_columns else [()] * len(prepared.X_test)
    index = {s.key: i for i, s in enumerate(prepared.series)}
    data = prepared.trial
    return score_forecast(prepared.y_test, prediction, np.array([index[k] for k in keys]), data.range_min,
                          data.range_max, data.scale)


def backtest_frame(trial: TrialResult | None, prepared: ForecastData,
                   model: ForecastingModel | None) -> pd.DataFrame:
    """The last validation window of every series: series, time, actual, forecast, 95% lower and upper."""
    data = prepared.trial
    if trial is None or model is None or trial.valid_predictions is None or not data.cuts:
        return pd.DataFrame(columns=BACKTEST_COLUMNS)
    scales, z_low, z_high = model.residual_scales, model.z_score(0.025), model.z_score(0.975)
    last = data.instance_fold == len(data.cuts) - 1
    rows = []
    for i, cut in data.cuts[-1]:
        s = prepared.series[i]
        chosen = last & (data.instance_series == i)
        steps = data.instance_step[chosen]
        sigma = (scales or {}).get(s.key, model.fallback_scale_)[steps - 1]
        forecast = np.asarray(trial.valid_predictions, dtype=float)[chosen]
        rows.append(pd.DataFrame({"series": s.label, "time": s.times[cut + steps - 1], "actual": data.y_true[chosen],
                                  "forecast": forecast, "lower": forecast + z_low * sigma,
                                  "upper": forecast + z_high * sigma}))
    return pd.concat(rows, ignore_index=True)


def validation_errors_frame(trial: TrialResult, prepared: ForecastData) -> pd.DataFrame:
    """Every rolling-origin validation forecast of ``trial``: its series, horizon step and window, the actual
    value and the forecast (the rows the forecasting error analysis reads)."""
    data = prepared.trial
    labels = np.asarray([s.label for s in prepared.series], dtype=object)
    return pd.DataFrame({"series": labels[data.instance_series], "horizon step": data.instance_step,
                         "window": data.instance_fold + 1, "actual": data.y_true,
                         "forecast": np.asarray(trial.valid_predictions, dtype=float)})
