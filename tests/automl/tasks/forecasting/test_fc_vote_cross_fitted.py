"""The vote's validation forecasts are cross-fitted: a window is forecast with weights chosen on the others."""
from __future__ import annotations

import numpy as np
import pytest

from automl.core import COMPLETED, TrialResult
from automl.metrics import REGRESSION_METRICS
from automl.settings import DataSettings, ForecastingSettings
from automl.tasks.forecasting import prepare_forecasting
from automl.tasks.forecasting._ensemble import build_vote, cross_fitted_vote

from .conftest import monthly_panel

METRIC = REGRESSION_METRICS["normalized_root_mean_squared_error"]


def _data():
    settings = ForecastingSettings(time_column_name="date", forecast_horizon=6,
                                   time_series_id_column_names=["store"]).normalized()
    settings.validate()
    return prepare_forecasting(DataSettings(training_data=monthly_panel(n_series=3), target_column_name="sales"),
                               settings).trial


def _trial(i: int, prediction: np.ndarray, data) -> TrialResult:
    metrics = data.score(prediction)
    return TrialResult(i, f"job_{i}", "ElasticNet", "StandardScalerWrapper", {}, COMPLETED,
                       score=metrics[METRIC.name], metrics=metrics, valid_rows=np.arange(len(prediction)),
                       valid_predictions=prediction.astype(np.float32))


def _window_specialists(data) -> list[np.ndarray]:
    """One forecaster per window, right on its window and off on the others, by an error half of which
    all of them share: weighted on all windows, their vote looks better than each of them; on a window
    its weights did not see, it is worse than the best of them."""
    rng = np.random.default_rng(0)
    shared = rng.choice([-1.0, 1.0], len(data.y_true)) * 5.0
    return [data.y_true + np.where(data.instance_fold == window, 0.0,
                                   shared + rng.choice([-1.0, 1.0], len(data.y_true)) * 5.0)
            for window in np.unique(data.instance_fold)]


def test_a_window_is_forecast_without_its_own_actuals():
    data = _data()
    assert len(np.unique(data.instance_fold)) >= 2
    rng = np.random.default_rng(1)
    predictions = [data.y_true + rng.normal(0, 1 + i, len(data.y_true)) for i in range(4)]
    before = cross_fitted_vote(predictions, data, METRIC, 10, [1] * 4)
    last = data.instance_fold == data.instance_fold.max()
    data.y_true = np.where(last, data.y_true + rng.normal(0, 30, len(last)), data.y_true)
    after = cross_fitted_vote(predictions, data, METRIC, 10, [1] * 4)
    np.testing.assert_array_equal(before[last], after[last])  # the window's own actuals chose nothing
    assert not np.array_equal(before[~last], after[~last])  # the other windows' weights saw them


def test_the_vote_is_scored_on_forecasts_its_weights_did_not_see():
    data = _data()
    trials = [_trial(i, p, data) for i, p in enumerate(_window_specialists(data))]
    vote = build_vote(trials, data, METRIC, 100, len(trials), lambda i: f"job_{i}")
    assert vote.status == COMPLETED and vote.params["validation"].startswith("cross-fitted")
    in_sample = vote.params[f"{METRIC.name}_on_selection_windows"]
    best_single = min(t.score for t in trials)
    assert in_sample < best_single  # chosen on all windows, the vote of specialists looks better than each
    assert vote.score > best_single  # on windows its weights did not see, it is worse
    np.testing.assert_allclose(vote.score, data.score(np.asarray(vote.valid_predictions, dtype=float))[METRIC.name],
                               rtol=1e-5)


def test_with_one_window_the_vote_is_scored_where_its_weights_were_chosen():
    data = _data()
    data.instance_fold = np.zeros_like(data.instance_fold)  # n_cross_validations=1
    rng = np.random.default_rng(2)
    trials = [_trial(i, data.y_true + rng.normal(0, 1 + i, len(data.y_true)), data) for i in range(4)]
    assert cross_fitted_vote([np.asarray(t.valid_predictions, dtype=float) for t in trials], data, METRIC, 10,
                             [1] * len(trials)) is None
    vote = build_vote(trials, data, METRIC, 100, len(trials), lambda i: f"job_{i}")
    assert vote.params["validation"].startswith("one window")
    assert vote.score == pytest.approx(vote.params[f"{METRIC.name}_on_selection_windows"], rel=1e-12)
