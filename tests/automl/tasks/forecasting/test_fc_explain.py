"""Explanations of forecasting jobs: the regression learner on its engineered validation rows."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import automl
from automl.explain import Explanation
from automl.timeseries._classical import BaselineForecaster
from automl.tasks.forecasting._explain import regression_member
from automl.timeseries._model import ForecastingModel
from automl.timeseries._regression_forecaster import RegressionForecaster


def _job(frame: pd.DataFrame, algorithms: list[str], max_trials: int, **forecast: object):
    job = automl.forecasting(training_data=frame, target_column_name="Passengers")
    job.set_forecast_settings(time_column_name="Month", forecast_horizon=6, **forecast)
    job.set_limits(max_trials=max_trials, max_concurrent_trials=1, timeout_minutes=2)
    job.set_training(allowed_training_algorithms=algorithms)
    return job


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("AUTOML_TRACKING", raising=False)


def test_regression_learner_is_explained_on_its_engineered_features(airline):
    result = _job(airline, ["LightGBM"], 2, target_lags=[1, 12]).submit(show_progress=False)
    assert result.status == "Completed"
    explanation = result.explanation
    assert isinstance(explanation, Explanation)
    learner = result.best_model.members_[0][1]
    raw = explanation.raw_importance
    assert set(raw["feature"]) == set(learner.feature_names_)
    assert {"_automl_lag1", "_automl_lag12", "_automl_month"} <= set(raw["feature"])
    assert np.isfinite(raw["importance"]).all()
    # Airline passengers are strongly seasonal: shuffling the month hurts the forecasts.
    assert raw.set_index("feature").loc["_automl_month", "importance"] > 0
    engineered = explanation.engineered_importance
    assert engineered is not None and engineered["importance"].sum() == pytest.approx(1.0)
    assert explanation.n_rows > 0 and explanation.metric == result.primary_metric
    assert "explanation" in result.timings


def test_classical_only_job_has_no_explanation(airline):
    result = _job(airline, ["SeasonalNaive"], 1).submit(show_progress=False)
    assert result.status == "Completed" and result.best_model is not None
    assert result.explanation is None


def test_vote_explains_its_heaviest_regression_member():
    lasso, forest = RegressionForecaster(), RegressionForecaster()
    model = ForecastingModel()
    model.members_ = [("naive", BaselineForecaster("Naive")), ("lasso", lasso), ("forest", forest)]
    model.weights_ = np.array([0.5, 0.2, 0.3])
    assert regression_member(model) is forest
    model.members_ = model.members_[:1]
    model.weights_ = np.array([1.0])
    assert regression_member(model) is None
