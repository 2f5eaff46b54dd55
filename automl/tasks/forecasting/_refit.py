"""The final forecaster: refit on the full histories, scored on test data, and its back-test frame."""
from __future__ import annotations

import numpy as np
import pandas as pd

from automl.core import TrialResult
from automl.tasks.forecasting._prepare import ForecastData
from automl.tasks.forecasting._trial import make_forecaster
from automl.timeseries import (FORECASTING, ForecastingModel, out_of_fold_standardised, residual_scales,
                               score_forecast)

__all__ = ["BACKTEST_COLUMNS", "backtest_frame", "refit_forecaster", "score_test"]

#: Columns of the back-test frame (``result.backtest_forecasts``).
BACKTEST_COLUMNS = ["series", "time", "actual", "forecast", "lower", "upper"]


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
