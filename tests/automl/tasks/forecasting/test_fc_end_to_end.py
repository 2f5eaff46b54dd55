"""End to end on the repo's copy of airline_passengers: a small job, its result, back-test, tracking."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import automl
from automl.errors import ConfigError

HORIZON = 12
ALGORITHMS = ["SeasonalNaive", "Naive", "AutoArima", "ElasticNet"]


def _job(train, **kwargs):
    job = automl.forecasting(training_data=train, target_column_name="Passengers", **kwargs)
    job.set_forecast_settings(time_column_name="Month", forecast_horizon=HORIZON)
    job.set_limits(max_trials=5, max_concurrent_trials=2, timeout_minutes=4)
    job.set_training(allowed_training_algorithms=ALGORITHMS)
    return job


@pytest.fixture(scope="module")
def airline_split(airline):
    return airline.iloc[:-HORIZON].reset_index(drop=True), airline.iloc[-HORIZON:].reset_index(drop=True)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return f"sqlite:///{tmp_path_factory.mktemp('mlflow') / 'mlflow.db'}"


@pytest.fixture(scope="module")
def result(airline_split, store, tmp_path_factory):
    """One small job, tracked to a temporary MLflow store."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path_factory.mktemp("job"))
        patch.delenv("AUTOML_TRACKING", raising=False)
        job = _job(airline_split[0], tracking_uri=store, experiment_name="forecasting-tests")
        return job.submit(show_progress=False)


def test_job_completes_with_a_leaderboard_and_guardrails(result):
    assert result.task == "forecasting" and result.status == "Completed"
    assert result.primary_metric == "normalized_root_mean_squared_error"
    board = result.leaderboard
    assert len(board) == 5 and board["status"].eq("Completed").all()
    assert set(board["algorithm"]) <= {*ALGORITHMS, "StandardScalerWrapper ElasticNet", "VotingEnsemble"}
    assert "mean_absolute_scaled_error" in board.columns
    vote = next(t for t in result.trials if t.algorithm == "VotingEnsemble")
    assert sum(vote.params["ensemble_weights"]) == pytest.approx(1.0)
    assert len(vote.valid_predictions) == len(result.pool_target)
    assert board["normalized_root_mean_squared_error"].is_monotonic_increasing
    assert {g.name for g in result.guardrails} >= {"Frequency detection", "Short series handling"}
    # One series: as many folds as its 132 months hold (2 * 12 + 12 * 8 + 1 <= 132), up to ten windows.
    assert result.validation["method"] == "rolling_origin" and result.validation["n_folds"] == 9


def test_best_model_beats_seasonal_naive_on_the_held_out_year(result, airline_split):
    train, test = airline_split
    forecast = result.best_model.forecast(test[["Month"]])["forecast"].to_numpy()
    actual = test["Passengers"].to_numpy(dtype=float)
    naive = train["Passengers"].to_numpy(dtype=float)[-HORIZON:]
    span = actual.max() - actual.min()
    nrmse = np.sqrt(np.mean((forecast - actual) ** 2)) / span
    naive_nrmse = np.sqrt(np.mean((naive - actual) ** 2)) / span
    assert nrmse <= 0.9 * naive_nrmse


def test_forecast_backtest_for_the_report(result):
    frame = result.forecast_backtest(max_series=4)
    assert list(frame.columns) == ["series", "time", "actual", "forecast", "lower", "upper"]
    assert len(frame) == HORIZON and (frame["series"] == "").all()
    assert (frame["lower"] < frame["forecast"]).all() and (frame["forecast"] < frame["upper"]).all()
    assert pd.api.types.is_datetime64_any_dtype(frame["time"])
    assert frame["time"].max() == pd.Timestamp("1959-12-01")


def test_onnx_is_refused_for_forecasting(result, tmp_path):
    with pytest.raises(ConfigError, match="ONNX export is not supported for forecasting"):
        result.export_onnx(tmp_path / "model.onnx")
    with pytest.raises(ConfigError, match="ONNX"):
        result.register_model("airline", format="onnx")


def test_tracked_and_registered_in_mlflow(result, airline_split, store):
    import mlflow

    from automl.tracking import using_tracking_uri

    assert result.tracking_errors == [] and "mlflow" in result.logged_models
    version = result.register_model("airline-forecaster")
    with using_tracking_uri(store):
        loaded = mlflow.pyfunc.load_model(f"models:/airline-forecaster/{version.version}")
    future = airline_split[1][["Month"]].assign(Month=lambda f: pd.to_datetime(f["Month"]))  # signature: datetime
    assert np.allclose(loaded.predict(future), result.best_model.predict(future))
