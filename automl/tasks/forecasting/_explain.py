"""Explanations of a forecasting model's regression learner, on its engineered validation rows.

Classical forecasters (Naive, ETS, ARIMA...) read no feature rows, so only a regression
learner is explained: the one of the best model, or the heaviest-weighted one of a
VotingEnsemble. Its engineered rows (calendar, ids, features, target lags) are rebuilt for
every rolling-origin validation window, as its forecasts build them; targets are in the
units the learner predicts (each series standardised by its history before the window).
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from automl.explain import Explanation, RowExplanation, explain_model, explain_rows
from automl.metrics import Metric
from automl.tasks.forecasting._trial import ForecastTrialData
from automl.timeseries import ForecastingModel, RegressionForecaster

__all__ = ["explain_forecast_rows", "explain_forecaster", "regression_member"]


def _impute(X: Any, medians: np.ndarray | None) -> np.ndarray:
    """``X`` as floats, NaNs replaced by the learner's training medians (when it uses them)."""
    values = np.asarray(X, dtype=float)
    return values if medians is None else np.where(np.isnan(values), medians, values)


def regression_member(model: ForecastingModel) -> RegressionForecaster | None:
    """The heaviest-weighted fitted regression learner of ``model``; None when all are classical."""
    members = [(w, f) for (_, f), w in zip(model.members_, model.weights_) if isinstance(f, RegressionForecaster)]
    return max(members, key=lambda m: m[0])[1] if members else None


def _validation_rows(forecaster: RegressionForecaster, data: ForecastTrialData) -> tuple[pd.DataFrame, np.ndarray]:
    """Engineered rows and standardised actuals of every validation window (all folds)."""
    frames, targets = [], []
    for fold in data.cuts:
        for i, cut in fold:
            s, history = data.series[i], data.series[i].head(cut)
            mean, scale = forecaster._scale(history)
            h = min(data.spec.horizon, len(s) - cut)
            steps = np.arange(1, h + 1)
            frames.append(forecaster._design(history, (history.y - mean) / scale, np.full(h, cut - 1), steps,
                                             s.times[cut:cut + h], s.X.iloc[cut:cut + h].reset_index(drop=True)))
            targets.append((s.y[cut:cut + h] - mean) / scale)
    X = pd.concat(frames, ignore_index=True)[forecaster.feature_names_]
    return X, np.concatenate(targets)


def _learner_pipeline(forecaster: RegressionForecaster, X: pd.DataFrame) -> Pipeline:
    """The learner's model behind the imputation of its missing lags: a pipeline taking engineered rows."""
    impute = FunctionTransformer(_impute, kw_args={"medians": getattr(forecaster, "medians_", None)}).fit(X)
    return Pipeline([("impute", impute), *forecaster.model_.steps])


def explain_forecast_rows(model: ForecastingModel, data: ForecastTrialData, *, n_rows: int,
                          n_background: int, seed: int = 0) -> RowExplanation | str:
    """Per-row explanations of ``model``'s regression learner on a sample of its validation-window rows (its
    lag, calendar and feature columns), in the standardised units it predicts; or why there are none."""
    forecaster = regression_member(model)
    if forecaster is None or not data.cuts:
        return "per-row explanations: the best forecaster has no regression learner (classical models read no rows)"
    X, _ = _validation_rows(forecaster, data)
    rng = np.random.default_rng(seed)
    sample = X.iloc[np.sort(rng.choice(len(X), size=min(n_rows, len(X)), replace=False))]
    background = X.iloc[rng.choice(len(X), size=min(n_background, len(X)), replace=False)]
    found = explain_rows(_learner_pipeline(forecaster, X), sample, background, seed=seed)
    found.explained = (f"standardised forecast of the {forecaster.algorithm.name} learner (each series scaled by "
                       f"its history before the window): {found.explained}")
    return found


def explain_forecaster(model: ForecastingModel, data: ForecastTrialData, metric: Metric, *, seed: int = 0,
                       max_seconds: float | None = None) -> Explanation | None:
    """:func:`automl.explain.explain_model` of ``model``'s regression learner, or None without one.

    Parameters
    ----------
    model : ForecastingModel
        The fitted best model (``result.best_model``).
    data : ForecastTrialData
        The job's series and rolling-origin folds (``prepared.trial``).
    metric : Metric
        The job's primary metric (scored on standardised targets).
    seed : int, default=0
    max_seconds : float or None
        Time budget of :func:`automl.explain.explain_model`.

    Returns
    -------
    Explanation or None
        Importance of each engineered column (shuffled as raw columns, and the learner's own shares).
    """
    forecaster = regression_member(model)
    if forecaster is None or not data.cuts:
        return None
    X, y = _validation_rows(forecaster, data)
    pipeline = _learner_pipeline(forecaster, X)
    explanation = explain_model(pipeline, X, y, metric=metric,
                                engineered_feature_names=forecaster.feature_names_, seed=seed,
                                max_seconds=max_seconds, y_min=float(y.min()), y_max=float(y.max()))
    explanation.details["rows"] = (f"validation-window rows of the {forecaster.algorithm.name} learner "
                                   "(engineered features, standardised targets; the final model was refit "
                                   "on all periods, these included)")
    return explanation
