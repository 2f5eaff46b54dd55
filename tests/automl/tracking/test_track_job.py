"""A job's parent and child runs, params, metrics, tags and artifacts, found through MLflow."""
from __future__ import annotations

import json
from pathlib import Path

import mlflow
import pytest
from mlflow import MlflowClient


def _runs(result):
    experiment = mlflow.get_experiment_by_name("tracking-tests")
    assert experiment is not None
    runs = mlflow.search_runs([experiment.experiment_id], output_format="pandas")
    parent = runs[runs["run_id"] == result.mlflow_run_id]
    children = runs[runs["tags.mlflow.parentRunId"] == result.mlflow_run_id]
    return parent, children


def test_result_says_where_the_job_was_logged(tracked_result, tracking_uri):
    assert tracked_result.status == "Completed"
    assert tracked_result.tracking_uri == tracking_uri
    assert tracked_result.mlflow_run_id
    assert tracked_result.tracking_errors == []
    assert set(tracked_result.logged_models) == {"mlflow"}


def test_parent_run_is_named_after_the_job(tracked_result):
    parent, _ = _runs(tracked_result)
    assert len(parent) == 1
    row = parent.iloc[0]
    assert row["tags.mlflow.runName"] == "titanic_tracked"
    assert row["status"] == "FINISHED"
    assert row["tags.team"] == "qa"
    assert row["params.task"] == "classification"
    assert row["params.primary_metric"] == "AUC_weighted"
    assert row["metrics.AUC_weighted"] == pytest.approx(tracked_result.best_trial.score)


def test_one_child_run_per_trial_with_params_metrics_and_tags(tracked_result):
    _, children = _runs(tracked_result)
    assert sorted(children["tags.mlflow.runName"]) == sorted(t.name for t in tracked_result.trials)
    for trial in tracked_result.trials:
        row = children[children["tags.mlflow.runName"] == trial.name].iloc[0]
        assert trial.name == f"titanic_tracked_{trial.iteration}"
        assert row["params.algorithm"] == trial.algorithm
        assert row["params.preprocessor"] == trial.preprocessor
        for name, value in trial.params.items():
            assert row[f"params.{name}"] == (value if isinstance(value, str) else json.dumps(value))
        assert row["tags.iteration"] == str(trial.iteration)
        assert row["tags.run_algorithm"] == trial.algorithm
        assert row["tags.run_preprocessor"] == trial.preprocessor
        assert row["tags.status"] == trial.status
        assert float(row["tags.duration"]) == pytest.approx(trial.duration_seconds, abs=1e-3)
        for metric, value in trial.metrics.items():
            assert row[f"metrics.{metric}"] == pytest.approx(value, nan_ok=True)


def test_parent_points_at_the_best_child(tracked_result):
    parent, children = _runs(tracked_result)
    best_id = parent.iloc[0]["tags.automl_best_child_run_id"]
    best = children[children["run_id"] == best_id].iloc[0]
    assert best["tags.mlflow.runName"] == tracked_result.best_trial.name


def test_parent_artifacts(tracked_result, tracking_uri, tmp_path):
    client = MlflowClient(tracking_uri)
    names = {a.path for a in client.list_artifacts(tracked_result.mlflow_run_id)}
    assert {"featurization_summary.json", "engineered_feature_names.json", "guardrails.json",
            "leaderboard.csv", "charts"} <= names
    charts = {a.path for a in client.list_artifacts(tracked_result.mlflow_run_id, "charts")}
    assert charts == {"charts/confusion_matrix.json", "charts/accuracy_table.json"}
    local = client.download_artifacts(tracked_result.mlflow_run_id, "", str(tmp_path))
    summary = json.loads((tmp_path / "featurization_summary.json").read_text())
    raw_names = list(tracked_result.featurization_summary["RawFeatureName"])
    assert [r["RawFeatureName"] for r in summary] == raw_names
    engineered = json.loads((tmp_path / "engineered_feature_names.json").read_text())
    assert engineered == tracked_result.engineered_feature_names
    matrix = json.loads((tmp_path / "charts" / "confusion_matrix.json").read_text())["data"]
    assert matrix["class_labels"] == ["0", "1"]
    assert sum(map(sum, matrix["matrix"])) == len(tracked_result.best_trial.valid_rows)
    assert Path(local).resolve() == tmp_path.resolve()


def test_best_model_is_logged_as_an_mlflow_model(tracked_result, titanic_frame):
    uri = tracked_result.logged_models["mlflow"]
    info = mlflow.models.get_model_info(uri)
    assert {"python_function", "sklearn"} <= set(info.flavors)
    assert info.flavors["sklearn"]["serialization_format"] == "cloudpickle"
    inputs = [c.name for c in info.signature.inputs.inputs]
    assert inputs == [c for c in titanic_frame.columns if c != "Survived"]
    X = titanic_frame.drop(columns="Survived").head(50)
    loaded = mlflow.pyfunc.load_model(uri)
    assert list(loaded.predict(X)) == list(tracked_result.best_model.predict(X))


def test_the_best_model_is_logged_once(tracked_result):
    """Queued when the model is ready (overlapping the explanations), not again at the end."""
    run_id = mlflow.models.get_model_info(tracked_result.logged_models["mlflow"]).run_id
    client = MlflowClient()
    experiment_id = client.get_run(run_id).info.experiment_id
    logged = [m for m in client.search_logged_models(experiment_ids=[experiment_id])
              if m.source_run_id == run_id]
    assert len(logged) == 1


def test_requirements_are_pinned():
    from automl.tracking import pinned_requirements

    pins = pinned_requirements()
    names = {p.split("==")[0] for p in pins}
    assert {"scikit-learn", "numpy", "pandas", "lightgbm", "xgboost", "cloudpickle"} <= names
    assert all("==" in p for p in pins)
