"""Endpoints and deployments as Azure's CLI v2 has them: the CLI flow from create to delete, the
traffic split, routing by header, mirror traffic, readiness before traffic and a roll-out under load
with no failed request. Real router and deployment processes on 127.0.0.1."""
from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import pandas as pd
import pytest

from automl.cli import main
from automl.errors import ConfigError
from automl.serving import EndpointStore, endpoints, read_deployment, read_endpoint
from automl.serving._processes import alive
from automl.serving._specs import DeploymentSpec, EndpointSpec

pytestmark = pytest.mark.slow


def _yaml(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text)
    return path


def _body(test, rows: int = 5) -> bytes:
    split = json.loads(test.head(rows).to_json(orient="split", index=False))
    return json.dumps({"input_data": split}).encode()


def _automl(env: dict, *args: str) -> subprocess.CompletedProcess:
    """``automl ARGS`` in a process of its own, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "automl.cli", *args], capture_output=True, text=True, env=env,
                          timeout=300)


@pytest.fixture
def in_process(monkeypatch, capsys):
    """``automl ARGS`` through the same entry point in this process: the commands after the first of each kind,
    without paying for a Python start and the imports each time."""
    def run(env: dict, *args: str) -> subprocess.CompletedProcess:
        for name in ("MLFLOW_TRACKING_URI", "AUTOML_TRACKING", "AUTOML_ENDPOINTS_HOME"):
            monkeypatch.setenv(name, env[name])
        capsys.readouterr()
        code = main(list(args))
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(args, code, out, err)
    return run


EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "endpoints"


def test_the_cli_flow_from_endpoint_create_to_delete(titanic_job, serving_env, tmp_path, in_process):
    """The README's walk-through with the files of examples/endpoints, then a second deployment. The first
    command of each kind runs as ``automl`` in a process of its own, the rest in this process."""
    result, _ = titanic_job
    result.register_model("titanic", tracking_uri=serving_env["MLFLOW_TRACKING_URI"])  # blue.yml's model
    store = EndpointStore(tmp_path / "store")
    env = {**serving_env, "AUTOML_ENDPOINTS_HOME": str(store.root)}
    _yaml(tmp_path, "green.yml", "name: green\nendpoint_name: titanic\nmodel: job:titanic_served\n")
    sample = EXAMPLES / "sample.json"
    rows = json.loads(sample.read_text())["input_data"]
    expected = result.best_model.predict(pd.DataFrame(rows["data"], columns=rows["columns"])).tolist()
    try:
        created = _automl(env, "endpoint", "create", "--file", str(EXAMPLES / "endpoint.yml"))
        assert created.returncode == 0, created.stderr
        uri = json.loads(created.stdout)["scoring_uri"]
        assert uri.startswith("http://127.0.0.1:")
        blue = _automl(env, "deployment", "create", "--file", str(EXAMPLES / "blue.yml"), "--all-traffic")
        assert blue.returncode == 0, blue.stderr
        invoked = _automl(env, "endpoint", "invoke", "--name", "titanic", "--request-file", str(sample))
        assert invoked.returncode == 0 and json.loads(invoked.stdout) == expected
        assert in_process(env, "deployment", "create", "--file", str(tmp_path / "green.yml")).returncode == 0
        updated = in_process(env, "endpoint", "update", "--name", "titanic", "--traffic", "blue=50,green=50")
        assert json.loads(updated.stdout)["traffic"] == {"blue": 50, "green": 50}
        to_green = in_process(env, "endpoint", "invoke", "--name", "titanic", "--request-file", str(sample),
                              "--deployment-name", "green")
        assert to_green.returncode == 0 and json.loads(to_green.stdout) == expected
        old = json.loads(in_process(env, "endpoint", "get-credentials", "--name", "titanic").stdout)
        key = {"Authorization": f"Bearer {old['primaryKey']}"}
        unknown = httpx.post(uri, content=sample.read_bytes(), headers={**key, "azureml-model-deployment": "purple"})
        assert unknown.status_code == 404 and "no deployment 'purple'" in unknown.json()["error"]
        document = httpx.get(uri.replace("/score", "/swagger.json"), headers=key).json()
        assert list(document["components"]["schemas"]["Row"]["properties"]) == rows["columns"]
        regenerated = in_process(env, "endpoint", "regenerate-keys", "--name", "titanic", "--key-type", "primary")
        assert regenerated.returncode == 0
        new = endpoints.get_credentials("titanic", store=store)
        assert new["primaryKey"] != old["primaryKey"] and new["secondaryKey"] == old["secondaryKey"]
        for secret, status in ((old["primaryKey"], 401), (new["primaryKey"], 200), (new["secondaryKey"], 200)):
            answer = httpx.post(uri, content=sample.read_bytes(), headers={"Authorization": f"Bearer {secret}"})
            assert answer.status_code == status
        refused = in_process(env, "deployment", "delete", "--name", "blue", "--endpoint-name", "titanic")
        assert refused.returncode == 2 and "still takes 50% of the traffic" in refused.stderr
        assert in_process(env, "endpoint", "update", "--name", "titanic", "--traffic", "green=100").returncode == 0
        assert in_process(env, "deployment", "delete", "--name", "blue", "--endpoint-name", "titanic").returncode == 0
        shown = json.loads(in_process(env, "endpoint", "show", "--name", "titanic").stdout)
        assert list(shown["deployments"]) == ["green"] and shown["deployments"]["green"]["state"] == "Succeeded"
        assert [e["name"] for e in json.loads(in_process(env, "endpoint", "list").stdout)] == ["titanic"]
        logs = "".join(p.read_text() for p in store.folder("titanic").glob("*.log"))
        assert "POST /score" in logs and not any(k in logs for k in (*old.values(), *new.values()))
        pids = [d.get("pid") for d in store.read("titanic")["deployments"].values()]
    finally:
        deleted = in_process(env, "endpoint", "delete", "--name", "titanic")
    assert deleted.returncode == 0
    assert store.names() == []
    assert not any(alive(pid) for pid in pids)


def test_unknown_yaml_keys_name_the_file_the_line_and_the_key(tmp_path):
    path = _yaml(tmp_path, "blue.yml", "name: blue\nendpoint_name: e\nmodel: models:/m/1\n"
                                       "request_settings:\n  request_timeout: 100\n")
    with pytest.raises(ConfigError, match=r"blue.yml, line 5: unknown key 'request_timeout' in "
                                          r"'request_settings'. Did you mean 'request_timeout_ms'\?"):
        read_deployment(path)
    path = _yaml(tmp_path, "endpoint.yml", "name: e\nauth_mod: key\n")
    with pytest.raises(ConfigError, match=r"endpoint.yml, line 2: unknown key 'auth_mod'"):
        read_endpoint(path)
    assert read_deployment(_yaml(tmp_path, "az.yml", "name: b\nendpoint_name: e\nmodel: azureml:titanic:3\n")
                           ).model == "models:/titanic/3"


@pytest.fixture(scope="module")
def roll_endpoint(titanic_files, tmp_path_factory):
    """Endpoint ``roll`` with deployments blue and green, both the ONNX model; deleted afterwards."""
    store = EndpointStore(tmp_path_factory.mktemp("endpoints"))
    endpoints.create_endpoint(EndpointSpec("roll"), store=store)
    settings = {"request_timeout_ms": 5000, "max_concurrent_requests_per_instance": 8, "max_queue_wait_ms": 2000,
                "max_body_bytes": 1_572_864}
    try:
        for name in ("blue", "green"):
            endpoints.create_deployment(DeploymentSpec(name, "roll", str(titanic_files / "model.onnx"), 1, settings),
                                        store=store)
        record = store.read("roll")
        yield store, f"http://127.0.0.1:{record['port']}/score", {"Authorization": f"Bearer {record['keys']['primary']}"}
    finally:
        endpoints.delete_endpoint("roll", store=store)


@pytest.fixture
def two_deployments(roll_endpoint):
    """``roll`` with all its traffic on blue and no mirror, whatever the test before left."""
    store = roll_endpoint[0]
    endpoints.update_traffic("roll", {"blue": 100}, {}, store=store)
    return roll_endpoint


def test_the_split_over_2000_requests_is_the_one_asked_for(two_deployments, titanic_job):
    store, uri, headers = two_deployments
    endpoints.update_traffic("roll", {"blue": 70, "green": 30}, store=store)
    body = _body(titanic_job[1], 1)
    with httpx.Client(headers=headers) as client:
        served = Counter(client.post(uri, content=body).headers["azureml-model-deployment"] for _ in range(2000))
    assert abs(served["blue"] / 2000 - 0.70) <= 0.03 and served["blue"] + served["green"] == 2000


def test_mirror_traffic_copies_a_share_and_drops_its_answers(two_deployments, titanic_job):
    store, uri, headers = two_deployments
    endpoints.update_traffic("roll", mirror_traffic={"green": 20}, store=store)
    green_log = store.folder("roll") / "green.log"
    before = green_log.read_text().count("POST /score")
    with httpx.Client(headers=headers) as client:
        answers = [client.post(uri, content=_body(titanic_job[1], 1)) for _ in range(50)]
    assert {a.headers["azureml-model-deployment"] for a in answers} == {"blue"}
    endpoints.update_traffic("roll", mirror_traffic={}, store=store)
    deadline = time.monotonic() + 10
    while green_log.read_text().count("POST /score") - before < 10 and time.monotonic() < deadline:
        time.sleep(0.2)  # the copies are sent in the background
    time.sleep(0.5)
    assert green_log.read_text().count("POST /score") - before == 10


def test_a_deployment_that_is_not_ready_gets_no_traffic(two_deployments, titanic_job):
    store, uri, headers = two_deployments
    record = store.read("roll")
    record["deployments"]["green"]["state"] = "Creating"
    record["traffic"] = {"blue": 50, "green": 50}
    store.write(record)  # as if green's readiness probe had not passed yet
    try:
        with pytest.raises(ConfigError, match="'green' is Creating, not ready for traffic"):
            endpoints.update_traffic("roll", {"green": 100}, store=store)
        time.sleep(0.5)  # the router has read the record
        with httpx.Client(headers=headers) as client:
            served = {client.post(uri, content=_body(titanic_job[1], 1)).headers["azureml-model-deployment"]
                      for _ in range(20)}
        assert served == {"blue"}
    finally:
        record = store.read("roll")
        record["deployments"]["green"]["state"] = "Succeeded"
        store.write(record)


def test_a_roll_out_under_load_fails_no_request(two_deployments, titanic_job):
    store, uri, headers = two_deployments
    body, stop, outcomes = _body(titanic_job[1], 3), threading.Event(), []

    def load() -> None:
        with httpx.Client(headers=headers, timeout=30) as client:
            while not stop.is_set():
                sent = time.monotonic()  # a request sent before a change may answer after it
                try:
                    answer = client.post(uri, content=body)
                    outcomes.append((answer.status_code, answer.headers.get("azureml-model-deployment"), sent))
                except httpx.HTTPError as exc:
                    outcomes.append((type(exc).__name__, None, sent))
    clients = [threading.Thread(target=load) for _ in range(4)]
    for thread in clients:
        thread.start()
    try:
        applied = []
        for traffic in ({"blue": 50, "green": 50}, {"green": 100}):
            endpoints.update_traffic("roll", traffic, store=store)
            applied.append(time.monotonic())
        endpoints.delete_deployment("blue", "roll", store=store)
        threading.Event().wait(1.0)
    finally:
        stop.set()
        for thread in clients:
            thread.join()
    assert len(outcomes) > 100
    assert [o for o in outcomes if o[0] != 200] == []
    assert {o[1] for o in outcomes if o[2] > applied[1]} == {"green"}  # sent after green=100 was applied
    assert {o[1] for o in outcomes} == {"blue", "green"}


def test_a_forecasting_deployment_answers_the_forecast_and_its_quantiles(airline_model, tmp_path):
    model, folder, future = airline_model
    store = EndpointStore(tmp_path / "store")
    endpoints.create_endpoint(EndpointSpec("sales"), store=store)
    try:
        endpoints.create_deployment(DeploymentSpec("arima", "sales", str(folder)), all_traffic=True, store=store)
        split = json.loads(future.to_json(orient="split", index=False))
        point = endpoints.invoke("sales", json.dumps({"input_data": split}).encode(), store=store)
        assert point.status_code == 200
        expected = model.forecast(future)["forecast"].to_numpy()
        assert point.json() == pytest.approx(expected.tolist())
        banded = endpoints.invoke("sales", json.dumps({"input_data": split, "params": {"quantiles": [0.1, 0.9]}}
                                                      ).encode(), store=store).json()
        assert [row["forecast"] for row in banded] == pytest.approx(expected.tolist())
        assert all(row["0.1"] < row["forecast"] < row["0.9"] for row in banded)
        too_far = future.assign(Month=["2999-01-01"] * len(future))
        refused = endpoints.invoke("sales", json.dumps({"input_data": json.loads(too_far.to_json(
            orient="split", index=False))}).encode(), store=store)
        assert refused.status_code == 400 and "error" in refused.json()
    finally:
        endpoints.delete_endpoint("sales", store=store)
