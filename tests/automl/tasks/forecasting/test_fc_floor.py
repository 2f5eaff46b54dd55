"""The floor: a forecaster is returned only when it beats SeasonalNaive by more than the noise."""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

import automl
from automl.core import COMPLETED, TrialResult, TrialSpec
from automl.metrics import REGRESSION_METRICS
from automl.settings import DataSettings, ForecastingSettings
from automl.tasks import get_task
from automl.tasks.forecasting import evaluate_forecast_trial, prepare_forecasting
from automl.tasks.forecasting._floor import FLOOR, floor_check, with_floor
from automl.timeseries import FORECASTING

METRIC = "normalized_root_mean_squared_error"
FOLDS = 6


def _seasonal(length: int = 120, seed: int = 0) -> pd.DataFrame:
    """One monthly series: a yearly season and noise, which repeating last year forecasts well."""
    rng = np.random.default_rng(seed)
    t = np.arange(length)
    y = 100 + 20 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 2, length)
    return pd.DataFrame({"date": pd.date_range("2010-01-01", periods=length, freq="MS"), "sales": y})


@pytest.fixture(scope="module")
def prepared():
    settings = ForecastingSettings(time_column_name="date", forecast_horizon=6).normalized()
    settings.validate()
    return prepare_forecasting(DataSettings(training_data=_seasonal(), target_column_name="sales",
                                            n_cross_validations=FOLDS), settings)


@pytest.fixture(scope="module")
def floor(prepared) -> TrialResult:
    trial = evaluate_forecast_trial(TrialSpec(0, "job_0", FORECASTING[FLOOR], {}), prepared.trial, METRIC)
    assert trial.status == COMPLETED, trial.error
    return trial


def _learned(floor: TrialResult, prepared, error_by_fold: list[float], name: str = "job_1") -> TrialResult:
    """A "LightGBM" trial whose forecasts miss each window's actuals by ``error_by_fold`` (a constant
    per window), scored like any trial."""
    data = prepared.trial
    rows = floor.valid_rows
    folds = data.instance_fold[rows]
    prediction = data.y_true[rows] + np.asarray(error_by_fold)[folds]
    metrics = data.score(prediction, rows)
    return TrialResult(1, name, "LightGBM", "MaxAbsScaler", {}, COMPLETED, score=metrics[METRIC], metrics=metrics,
                       valid_predictions=prediction.astype(np.float32), valid_rows=rows)


def _floor_error(floor: TrialResult, prepared) -> np.ndarray:
    """SeasonalNaive's RMSE in each validation window."""
    data = prepared.trial
    folds = data.instance_fold[floor.valid_rows]
    errors = np.asarray(floor.valid_predictions, dtype=float) - data.y_true[floor.valid_rows]
    return np.array([np.sqrt(np.mean(errors[folds == k] ** 2)) for k in range(FOLDS)])


def _lucky(floor: TrialResult, prepared, name: str = "job_1") -> TrialResult:
    """Exact on three windows, half as bad again as SeasonalNaive on the other three: the best score on
    average (better than SeasonalAverage's too), but by less than the spread of the paired differences."""
    base = _floor_error(floor, prepared)
    return _learned(floor, prepared, [0.0, 0.0, 0.0, *(1.5 * base[3:])], name)


def _rank(trials: list[TrialResult]) -> list[TrialResult]:
    return get_task("forecasting").rank(trials, METRIC)


def test_a_learner_that_wins_on_average_by_luck_gives_way_to_seasonal_naive(floor, prepared):
    lucky = _lucky(floor, prepared)
    ranked = _rank([floor, lucky])
    assert ranked[0] is lucky  # the best validation score
    check = floor_check(lucky, floor, prepared.trial, REGRESSION_METRICS[METRIC])
    assert check.units == FOLDS and 0 < check.gain <= check.spread
    chosen, reason = get_task("forecasting").choose_final(ranked, prepared, METRIC)
    assert chosen[0] is floor and chosen[1] is lucky
    assert reason.startswith("job_0 (SeasonalNaive) was returned instead of the best trial job_1")
    assert f"over {FOLDS} validation windows" in reason


def test_a_learner_better_on_every_window_is_kept(floor, prepared):
    steady = _learned(floor, prepared, list(0.5 * _floor_error(floor, prepared)))
    check = floor_check(steady, floor, prepared.trial, REGRESSION_METRICS[METRIC])
    assert check.gain > check.spread > 0
    ranked = _rank([floor, steady])
    assert get_task("forecasting").choose_final(ranked, prepared, METRIC) == (ranked, "")


def test_the_best_classical_model_is_returned_and_a_classical_best_is_left_alone(floor, prepared):
    data = prepared.trial
    average = evaluate_forecast_trial(TrialSpec(2, "job_2", FORECASTING["SeasonalAverage"], {}), data, METRIC)
    vote = dataclasses.replace(_lucky(floor, prepared, "job_3"), algorithm="VotingEnsemble", preprocessor="",
                               ensemble=object())
    task = get_task("forecasting")
    for top in (_lucky(floor, prepared), vote):  # a vote weighted on the validation windows is learned too
        ranked = _rank([floor, average, top])
        assert ranked[0] is top
        chosen, reason = task.choose_final(ranked, prepared, METRIC)
        best_classical = _rank([floor, average])[0]
        assert chosen[0] is best_classical and top.name in reason
    only_classical = _rank([floor, average])
    assert task.choose_final(only_classical, prepared, METRIC) == (only_classical, "")


def test_a_classical_model_that_wins_by_luck_gives_way_to_seasonal_naive_too(floor, prepared):
    """An ARIMA whose orders were chosen on the same history can be lucky on a few windows as a learner can."""
    task = get_task("forecasting")
    lucky = dataclasses.replace(_lucky(floor, prepared), algorithm="AutoArima", preprocessor="")
    ranked = _rank([floor, lucky])
    assert ranked[0] is lucky
    chosen, reason = task.choose_final(ranked, prepared, METRIC)
    assert chosen[0] is floor and reason.startswith("job_0 (SeasonalNaive) was returned instead of the best "
                                                    "trial job_1 (AutoArima)")
    steady = dataclasses.replace(_learned(floor, prepared, list(0.5 * _floor_error(floor, prepared))),
                                 algorithm="AutoArima", preprocessor="")
    assert task.choose_final(_rank([floor, steady]), prepared, METRIC) == (_rank([floor, steady]), "")
    # behind a lucky learner, the lucky ARIMA is passed over for SeasonalNaive as well
    ranked = _rank([floor, lucky, _lucky(floor, prepared, "job_5")])
    assert {t.name for t in ranked[:2]} == {"job_1", "job_5"}
    assert task.choose_final(ranked, prepared, METRIC)[0][0] is floor


def test_without_a_seasonal_naive_trial_the_order_stands(floor, prepared):
    lucky = _lucky(floor, prepared)
    assert with_floor([lucky], prepared.trial, REGRESSION_METRICS[METRIC], FORECASTING) == ([lucky], "")


def test_the_job_returns_the_floor_and_its_result_says_why(monkeypatch, tmp_path):
    """A real job on a purely seasonal series, which SeasonalNaive forecasts exactly, with the learner
    ranked first whatever it scored: the floor's choice reaches the result and the leaderboard."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AUTOML_TRACKING", "off")
    task = get_task("forecasting")
    real_rank = type(task).rank

    def learner_first(self, trials, primary_metric):
        return sorted(real_rank(self, trials, primary_metric), key=lambda t: t.algorithm == FLOOR)

    monkeypatch.setattr(type(task), "rank", learner_first)
    series = _seasonal(length=96)
    series["sales"] = 100 + 20 * np.sin(2 * np.pi * np.arange(96) / 12)
    job = automl.forecasting(training_data=series, target_column_name="sales")
    job.set_forecast_settings(time_column_name="date", forecast_horizon=6)
    job.set_limits(max_trials=2, max_concurrent_trials=1, timeout_minutes=2)
    job.set_training(allowed_training_algorithms=[FLOOR, "DecisionTree"], enable_model_explainability=False)
    result = job.submit(show_progress=False)
    learner = next(t for t in result.trials if t.algorithm == "DecisionTree")
    assert result.best_trial.algorithm == FLOOR, result.leaderboard
    assert result.selection.startswith(f"{result.best_trial.name} (SeasonalNaive) was returned instead of "
                                       f"the best trial {learner.name}")
    notes = result.leaderboard.set_index("name")["note"]
    assert notes[result.best_trial.name] == f"returned: {result.selection}" and notes.isna().sum() == 1
