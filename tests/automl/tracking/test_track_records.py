"""What is logged, without a store: child-run records, chart data, the tracking URI."""
from __future__ import annotations

import math

import numpy as np
import pytest

from automl.tracking import _chart_data, _records, default_tracking_uri, resolve_tracking_uri
from automl.core import TrialResult


def _trial(**changes):
    trial = TrialResult(iteration=3, name="job_3", algorithm="LightGBM", preprocessor="MaxAbsScaler",
                        params={"num_leaves": 31, "colsample_bytree": 0.5, "class_weight": None},
                        status="Completed", score=0.91, metrics={"AUC_weighted": 0.91, "log_loss": 0.3},
                        duration_seconds=1.23456, started_at=1_700_000_000.0)
    for key, value in changes.items():
        setattr(trial, key, value)
    return trial


def test_child_params_metrics_and_tags():
    trial = _trial()
    params = _records.trial_params(trial)
    assert params == {"algorithm": "LightGBM", "preprocessor": "MaxAbsScaler", "num_leaves": "31",
                      "colsample_bytree": "0.5", "class_weight": "null"}
    assert _records.trial_metrics(trial) == {"AUC_weighted": 0.91, "log_loss": 0.3}
    tags = _records.trial_tags(trial, "parent123")
    assert tags["mlflow.runName"] == "job_3" and tags["mlflow.parentRunId"] == "parent123"
    assert tags["iteration"] == "3"
    assert (tags["run_algorithm"], tags["run_preprocessor"]) == ("LightGBM", "MaxAbsScaler")
    assert tags["status"] == "Completed" and tags["duration"] == "1.235"
    assert tags["run_template"] == "automl_child"


def test_failed_trial_tags_its_error_and_nan_score():
    trial = _trial(status="Failed", score=math.nan, metrics={}, error="ValueError: " + "x" * 900)
    tags = _records.trial_tags(trial, None)
    assert tags["score"] == "nan" and "mlflow.parentRunId" not in tags
    assert len(tags["error"]) == _records.MAX_VALUE_LENGTH and tags["error"].endswith("...")
    assert _records.RUN_STATUS[trial.status] == "FAILED"


def test_confusion_matrix_and_accuracy_table():
    y = np.array(["a", "b", "b", "a", "b"])
    proba = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.3, 0.7], [0.0, 1.0]])
    charts = _chart_data.chart_data(y, proba, np.array(["a", "b"]))
    assert charts["confusion_matrix"]["data"]["matrix"] == [[1, 1], [1, 2]]
    table = charts["accuracy_table"]["data"]
    assert len(table["probability_thresholds"]) == 101
    b_at = dict(zip(table["probability_thresholds"], table["probability_tables"][1]))
    assert b_at[0.0] == [3, 2, 0, 0]          # everything called "b"
    assert b_at[0.5] == [2, 1, 1, 1]          # tp, fp, tn, fn
    assert b_at[1.0] == [1, 0, 2, 2]
    percent = dict(zip(table["percentile_thresholds"], table["percentile_tables"][1]))
    assert percent[0] == [0, 0, 2, 3] and percent[100] == [3, 2, 0, 0]


def test_regression_charts():
    y = np.arange(20, dtype=float)
    charts = _chart_data.chart_data(y, y + 1.0, None)
    residuals = charts["residuals"]["data"]
    assert residuals["mean"] == pytest.approx(-1.0) and residuals["res_count"] == 20
    assert sum(residuals["bin_counts"]) == 20
    predicted = charts["predicted_true"]["data"]
    assert sum(predicted["bin_counts"]) == 20
    assert predicted["bin_averages"][0] == pytest.approx(1.5)  # y in {0, 1} predicted as 1, 2


def test_tracking_uri_resolution(monkeypatch, tmp_path):
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.chdir(tmp_path)
    assert resolve_tracking_uri() == default_tracking_uri() == f"sqlite:///{tmp_path.resolve() / 'mlflow.db'}"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://127.0.0.1:5000")
    assert resolve_tracking_uri() == "http://127.0.0.1:5000"
    assert resolve_tracking_uri("sqlite:///x.db") == "sqlite:///x.db"


def test_default_store_is_created_lazily_in_the_working_directory(monkeypatch, tmp_path):
    from automl.tracking._store import default_artifact_location, get_or_create_experiment, make_client

    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.chdir(tmp_path)
    uri = resolve_tracking_uri()
    assert not (tmp_path / "mlflow.db").exists()
    client = make_client(uri)
    experiment_id = get_or_create_experiment(client, "lazy", uri)
    assert (tmp_path / "mlflow.db").exists()
    location = client.get_experiment(experiment_id).artifact_location
    expected = (tmp_path / "mlruns" / "lazy").resolve().as_uri()
    assert location == default_artifact_location(uri, "lazy") == expected
    assert get_or_create_experiment(client, "lazy", uri) == experiment_id


@pytest.mark.parametrize("env, job_uri, enabled", [
    (None, None, True), ("off", None, False), ("0", None, False), ("on", None, True),
    (None, False, False), (None, "sqlite:///x.db", True),
])
def test_tracking_can_be_turned_off(monkeypatch, env, job_uri, enabled):
    from types import SimpleNamespace

    from automl.jobs import default_observers
    from automl.tracking import MlflowTracker, tracking_enabled

    if env is None:
        monkeypatch.delenv("AUTOML_TRACKING", raising=False)
    else:
        monkeypatch.setenv("AUTOML_TRACKING", env)
    job = SimpleNamespace(tracking_uri=job_uri, log_verbosity="warning")
    assert tracking_enabled(job.tracking_uri) is enabled
    trackers = [o for o in default_observers(job, False) if isinstance(o, MlflowTracker)]
    assert len(trackers) == int(enabled)
