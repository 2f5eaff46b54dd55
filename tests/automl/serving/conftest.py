"""Real ``automl serve`` processes on 127.0.0.1 (free ports), and the models they serve.

- ``titanic_server``: a tracked titanic job (ONNX mode) served by its name, with 2 instances;
- ``behaving_server``: a Python model that sleeps on x == 7 and raises on x == 13, with a 300 ms
  timeout, one request at a time and a 10 KB body limit.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import numpy as np
import pandas as pd
import pytest

import automl
from automl.tracking import save_sklearn_model
from tests._mlflow_server import free_port, kill_group

TITANIC = Path(__file__).resolve().parents[3] / "examples" / "classification" / "data"
STARTUP_SECONDS = 120


@dataclass
class Server:
    """A running ``automl serve``: its URL, keys, process and log (stderr)."""

    url: str
    primary: str
    secondary: str
    process: subprocess.Popen
    log: Path
    banner: str
    out: Path

    def logs(self) -> str:
        """What the server logged: stderr, and stdout after the banner (uvicorn's access log)."""
        return self.log.read_text() + self.out.read_text()[len(self.banner):]

    def post(self, body: object = None, *, key: str | None = "primary", content: bytes | None = None,
             timeout: float = 30) -> httpx.Response:
        headers = {} if key is None else {"Authorization": f"Bearer {getattr(self, key, key)}"}
        if content is not None:
            return httpx.post(f"{self.url}/score", content=content, headers=headers, timeout=timeout)
        return httpx.post(f"{self.url}/score", json=body, headers=headers, timeout=timeout)


def start_serving(args: list[str], folder: Path, env: dict[str, str]) -> Server:
    """``automl serve ARGS`` on a free port, once ``/health/ready`` answers."""
    port = free_port()
    log, out = folder / f"serve-{port}.log", folder / f"serve-{port}.out"
    with open(log, "wb") as err_file, open(out, "wb") as out_file:
        process = subprocess.Popen([sys.executable, "-m", "automl.cli", "serve", *args, "--port", str(port)],
                                   stdout=out_file, stderr=err_file, env=env, cwd=folder, start_new_session=True)
    url, deadline = f"http://127.0.0.1:{port}", time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"automl serve exited {process.returncode}: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{url}/health/ready", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.3)
    else:
        kill_group(process)
        raise AssertionError(f"automl serve did not get ready: {log.read_text()[-2000:]}")
    banner = out.read_text()
    keys = dict(re.findall(r"(Primary|Secondary) key: (\S+)", banner))
    banner = banner[:banner.index("\n", banner.index("Try: ")) + 1]
    return Server(url, keys["Primary"], keys["Secondary"], process, log, banner, out)


@pytest.fixture(scope="session")
def serving_env(tmp_path_factory) -> dict[str, str]:
    store = tmp_path_factory.mktemp("serving-store")
    return {**os.environ, "MLFLOW_TRACKING_URI": f"sqlite:///{store / 'mlflow.db'}", "AUTOML_TRACKING": "on"}


@pytest.fixture(scope="session")
def titanic_job(serving_env, tmp_path_factory):
    """(result, raw test rows): a tracked titanic job whose best model has a checked ONNX form."""
    folder = tmp_path_factory.mktemp("serving-titanic")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(folder)
        mp.setenv("MLFLOW_TRACKING_URI", serving_env["MLFLOW_TRACKING_URI"])
        mp.setenv("AUTOML_TRACKING", "on")
        job = automl.classification(training_data=str(TITANIC / "train"), target_column_name="Survived",
                                    n_cross_validations=2, name="titanic_served", experiment_name="serving")
        job.set_limits(max_trials=2, max_concurrent_trials=1, timeout_minutes=3)
        job.set_training(allowed_training_algorithms=["LightGBM", "LogisticRegression"],
                         enable_onnx_compatible_models=True, enable_vote_ensemble=False,
                         enable_stack_ensemble=False)
        result = job.submit(show_progress=False)
    assert "onnx" in result.logged_models, result.tracking_errors
    test = pd.read_csv(TITANIC / "test" / "titanic_test.csv").drop(columns="Survived")
    return result, test


@pytest.fixture(scope="session")
def titanic_server(titanic_job, serving_env, tmp_path_factory):
    server = start_serving(["--job", "titanic_served", "--instance-count", "2"],
                           tmp_path_factory.mktemp("serve-titanic"), serving_env)
    yield server
    kill_group(server.process)


def _behaving_model():
    """x -> 2x + 1, which sleeps 1 s on x == 7 and raises on x == 13 (pickled by value)."""
    from sklearn.linear_model import LinearRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import FunctionTransformer

    def act(X: pd.DataFrame) -> pd.DataFrame:
        import time as clock

        values = X[["x"]].astype(float)
        if (values["x"] == 13).any():
            raise ValueError("thirteen is unlucky")
        if (values["x"] == 7).any():
            clock.sleep(1.0)
        return values

    X = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]})  # neither 7 nor 13: fitting runs act too
    return Pipeline([("act", FunctionTransformer(act)), ("learner", LinearRegression())]).fit(X, 2 * X["x"] + 1), X


@pytest.fixture(scope="session")
def behaving_server(serving_env, tmp_path_factory):
    folder = tmp_path_factory.mktemp("serve-behaving")
    model, X = _behaving_model()
    save_sklearn_model(model, folder / "model", X)
    server = start_serving(["--model", str(folder / "model"), "--request-timeout-ms", "300",
                            "--max-concurrent-requests-per-instance", "1", "--max-request-mb", "0.01"],
                           folder, serving_env)
    yield server
    kill_group(server.process)


@pytest.fixture(scope="session")
def titanic_files(titanic_job, tmp_path_factory) -> Path:
    """A folder with the titanic job's best model as ``model.onnx`` and as an MLflow folder ``mlflow-model``."""
    result, _ = titanic_job
    folder = tmp_path_factory.mktemp("titanic-files")
    result.export_onnx(folder / "model.onnx")
    save_sklearn_model(result.best_model, folder / "mlflow-model", result.check_rows)
    return folder


@pytest.fixture(scope="session")
def airline_model(tmp_path_factory):
    """(fitted forecasting model, MLflow model folder, future frame of 6 months): airline passengers."""
    frame = pd.read_csv(Path(__file__).resolve().parents[2] / "data" / "airline_passengers.csv")
    job = automl.forecasting(training_data=frame, target_column_name="Passengers", tracking_uri=False)
    job.set_forecast_settings(time_column_name="Month", forecast_horizon=6)
    job.set_limits(max_trials=3, max_concurrent_trials=1)
    result = job.submit(show_progress=False)
    folder = tmp_path_factory.mktemp("airline") / "model"
    save_sklearn_model(result.best_model, folder, result.check_rows)
    months = pd.date_range(pd.to_datetime(frame["Month"]).max(), periods=7, freq="MS")[1:]
    return result.best_model, folder, pd.DataFrame({"Month": months.strftime("%Y-%m-%d")})
