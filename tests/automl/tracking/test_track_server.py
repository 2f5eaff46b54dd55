"""Integration: a real ``mlflow server`` on 127.0.0.1, reached through MLFLOW_TRACKING_URI."""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

import mlflow
import numpy as np
import pytest
from mlflow import MlflowClient

import automl
from automl.batch import load_scorer
from automl.export import onnx_feed, session
from automl.serving import load_served_model
from automl.tracking._store import job_tracking_uri
from tests._mlflow_server import free_port, start_server, stop_server

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def mlflow_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("server")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = start_server(root, port)
    try:
        yield url
    finally:
        stop_server(process)


def test_job_against_a_real_server(mlflow_server, titanic_frame, monkeypatch, tmp_path):
    monkeypatch.setenv("MLFLOW_TRACKING_URI", mlflow_server)
    frame = titanic_frame.head(300)
    job = automl.classification(training_data=frame, target_column_name="Survived",
                                experiment_name="server-tests", name="titanic_server",
                                log_verbosity="warning")
    job.set_limits(max_trials=2, max_concurrent_trials=1)
    job.set_training(enable_onnx_compatible_models=True, enable_vote_ensemble=False,
                     enable_stack_ensemble=False)
    result = job.submit(show_progress=False)

    assert result.tracking_uri == mlflow_server and result.tracking_errors == []
    assert not (tmp_path / "mlflow.db").exists() and not (tmp_path / "mlruns").exists()
    runs = mlflow.search_runs(experiment_names=["server-tests"])
    children = runs[runs["tags.mlflow.parentRunId"] == result.mlflow_run_id]
    assert sorted(children["tags.mlflow.runName"]) == ["titanic_server_0", "titanic_server_1"]
    assert children["params.algorithm"].notna().all()
    client = MlflowClient(mlflow_server)
    names = {a.path for a in client.list_artifacts(result.mlflow_run_id)}
    assert {"featurization_summary.json", "leaderboard.csv", "guardrails.json"} <= names
    assert result.onnx_check["passed"]

    X = frame.drop(columns="Survived")
    version = result.register_model("titanic-server")
    loaded = mlflow.pyfunc.load_model(f"models:/titanic-server/{version.version}",
                                      dst_path=_folder(tmp_path, "pyfunc"))
    np.testing.assert_array_equal(loaded.predict(X), result.best_model.predict(X))

    onnx_version = result.register_model("titanic-server-onnx", format="onnx")
    graph = mlflow.onnx.load_model(f"models:/titanic-server-onnx/{onnx_version.version}",
                                   dst_path=_folder(tmp_path, "onnx"))
    kinds = json.loads({p.key: p.value for p in graph.metadata_props}["automl.inputs"])
    labels = session(graph).run(["label"], onnx_feed(X, kinds))[0]
    np.testing.assert_array_equal(labels, result.best_model.predict(X))

    # automl predict and automl serve download a registered model from the server, and remove the copy
    downloaded = _downloaded_models()
    for uri in (f"models:/titanic-server/{version.version}", f"models:/titanic-server-onnx/{onnx_version.version}"):
        assert load_scorer(uri).predict(X).tolist() == result.best_model.predict(X).tolist()
        assert load_served_model(uri).scorer.predict(X).tolist() == result.best_model.predict(X).tolist()
    assert _downloaded_models() == downloaded


def _folder(parent: Path, name: str) -> str:
    (parent / name).mkdir()
    return str(parent / name)


def _downloaded_models() -> set[Path]:
    """The MLflow model folders (an MLmodel file) within three levels of the temporary folder."""
    root = Path(tempfile.gettempdir())
    return {m.parent for pattern in ("*/MLmodel", "*/*/MLmodel", "*/*/*/MLmodel") for m in root.glob(pattern)
            if "pytest-of-" not in str(m)}


def test_a_password_in_the_uri_is_not_saved_and_is_given_again_to_extend(mlflow_server, titanic_frame,
                                                                          monkeypatch, tmp_path):
    monkeypatch.setenv("AUTOML_OUTPUTS_DIR", str(tmp_path / "outputs"))
    secret = "pw-51c0e7-state-folder"
    with_password = mlflow_server.replace("http://", f"http://ops:{secret}@")  # the server takes any
    job = automl.classification(training_data=titanic_frame.head(300), target_column_name="Survived",
                                experiment_name="server-tests", name="titanic_password", log_verbosity="warning",
                                tracking_uri=with_password, enable_model_explainability=False,
                                validation_data_size=0.25)
    job.set_limits(max_trials=1, max_concurrent_trials=1)
    job.set_training(allowed_training_algorithms=["LogisticRegression"], enable_vote_ensemble=False,
                     enable_stack_ensemble=False)
    first = job.submit(show_progress=False)
    assert first.tracking_errors == [] and job.tracking_uri == with_password  # the job in memory keeps it

    state = tmp_path / "outputs" / "titanic_password" / "state"
    assert not [p.name for p in state.rglob("*") if p.is_file() and secret.encode() in p.read_bytes()]
    saved = automl.jobs.load_saved_job("titanic_password").job
    assert saved.tracking_uri == mlflow_server.replace("http://", "http://ops@")

    extended = automl.extend("titanic_password", max_trials=1, show_progress=False, tracking_uri=with_password)
    assert extended.mlflow_run_id == first.mlflow_run_id and extended.tracking_errors == []
    assert job_tracking_uri(extended) == with_password and secret not in extended.tracking_uri
