"""The forecasting vote is selected from as many candidates as its time allows."""
from __future__ import annotations

import numpy as np

from automl.core import COMPLETED, TrialResult
from automl.metrics import REGRESSION_METRICS
from automl.settings import DataSettings, ForecastingSettings
from automl.tasks.forecasting import prepare_forecasting
from automl.tasks.forecasting._ensemble import build_vote

from .conftest import monthly_panel

METRIC = REGRESSION_METRICS["normalized_root_mean_squared_error"]


def _trials(n: int):
    settings = ForecastingSettings(time_column_name="date", forecast_horizon=6,
                                   time_series_id_column_names=["store"]).normalized()
    settings.validate()
    data = prepare_forecasting(DataSettings(training_data=monthly_panel(n_series=3), target_column_name="sales"),
                               settings).trial
    rng = np.random.default_rng(0)
    rows = np.arange(len(data.y_true))
    trials = []
    for i in range(n):
        prediction = data.y_true + rng.normal(0, 1 + i / 10, len(rows))
        metrics = data.score(prediction)
        trials.append(TrialResult(i, f"job_{i}", "ElasticNet", "StandardScalerWrapper", {}, COMPLETED,
                                  score=metrics[METRIC.name], metrics=metrics, valid_rows=rows,
                                  valid_predictions=prediction.astype(np.float32)))
    return trials, data


def test_without_a_time_limit_every_candidate_is_considered_and_with_none_the_best_two():
    trials, data = _trials(12)
    unhurried = build_vote(trials, data, METRIC, 100, 12, lambda i: f"job_{i}")
    assert unhurried.status == COMPLETED and unhurried.params["selection_candidates"] == "12 of 12"
    hurried = build_vote(trials, data, METRIC, 100, 12, lambda i: f"job_{i}", max_seconds=0.0)
    assert hurried.params["selection_candidates"] == "2 of 12"
    assert set(hurried.params["ensembled_iterations"]) <= {0, 1}  # the two best single scores
