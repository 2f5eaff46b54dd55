"""Integration: a real ``mlflow server`` on 127.0.0.1, reached through MLFLOW_TRACKING_URI."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import mlflow
import numpy as np
import pytest
from mlflow import MlflowClient

import automl
from automl.export import onnx_feed, session

pytestmark = pytest.mark.slow
STARTUP_SECONDS = 120


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _stop(process: subprocess.Popen) -> None:
    """The server and its workers form one process group: end the group, then reap."""
    for sig, wait in ((signal.SIGTERM, 5), (signal.SIGKILL, 15)):
        if process.poll() is not None:
            break
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(wait)
        except subprocess.TimeoutExpired:
            continue
    try:  # workers left behind by a server that already exited
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


@pytest.fixture(scope="module")
def mlflow_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("server")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = open(root / "server.log", "wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "mlflow", "server", "--backend-store-uri", f"sqlite:///{root / 'backend.db'}",
         "--artifacts-destination", str(root / "artifacts"), "--host", "127.0.0.1", "--port", str(port),
         "--workers", "1"],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True, cwd=root)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _healthy(url):
            if process.poll() is not None:
                raise RuntimeError(f"mlflow server exited: {(root / 'server.log').read_text()[-2000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"mlflow server not healthy after {STARTUP_SECONDS} s: "
                                   f"{(root / 'server.log').read_text()[-2000:]}")
            time.sleep(0.5)
        yield url
    finally:
        _stop(process)
        log.close()


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
    loaded = mlflow.pyfunc.load_model(f"models:/titanic-server/{version.version}")
    np.testing.assert_array_equal(loaded.predict(X), result.best_model.predict(X))

    onnx_version = result.register_model("titanic-server-onnx", format="onnx")
    graph = mlflow.onnx.load_model(f"models:/titanic-server-onnx/{onnx_version.version}")
    kinds = json.loads({p.key: p.value for p in graph.metadata_props}["automl.inputs"])
    labels = session(graph).run(["label"], onnx_feed(X, kinds))[0]
    np.testing.assert_array_equal(labels, result.best_model.predict(X))
