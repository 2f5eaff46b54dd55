"""``automl serve`` as a client meets it: Azure's wire format, keys, probes, and every bad request
answered with its status while the server keeps serving."""
from __future__ import annotations

import json
import threading
import time

import httpx
import numpy as np
import psutil
import pytest

pytestmark = pytest.mark.slow


def _azure(rows) -> dict:
    data = json.loads(rows.to_json(orient="split", index=False))  # NaN -> null, as a client sends it
    return {"input_data": {"columns": data["columns"], "index": list(range(len(rows))), "data": data["data"]}}


def test_a_jobs_best_model_is_served_with_onnxruntime_and_answers_like_the_model(titanic_job, titanic_server):
    result, test = titanic_job
    assert "with onnxruntime (2 instances)" in titanic_server.banner
    answer = titanic_server.post(_azure(test))
    assert answer.status_code == 200, answer.text
    assert answer.json() == result.best_model.predict(test).tolist()
    workers = psutil.Process(titanic_server.process.pid).children(recursive=True)
    assert sum("automl" in " ".join(p.cmdline()) or "multiprocessing" in " ".join(p.cmdline())
               for p in workers) >= 2


def test_probabilities_on_request_match_the_model(titanic_job, titanic_server):
    result, test = titanic_job
    rows = test.head(25)
    answer = titanic_server.post({**_azure(rows), "params": {"method": "predict_proba"}}).json()
    classes = [str(c) for c in result.best_model.classes_]
    assert [list(row) for row in answer] == [classes] * len(rows)
    expected = result.best_model.predict_proba(rows)
    np.testing.assert_allclose([[row[c] for c in classes] for row in answer], expected, atol=1e-5)


def test_mlflow_and_automl_formats_give_the_same_answer(titanic_job, titanic_server):
    result, test = titanic_job
    rows = test.head(10)
    expected = result.best_model.predict(rows).tolist()
    records = json.loads(rows.to_json(orient="records"))
    split = json.loads(rows.to_json(orient="split", index=False))
    assert titanic_server.post({"dataframe_records": records}).json() == expected
    assert titanic_server.post({"dataframe_split": split}).json() == expected
    assert titanic_server.post({"Inputs": {"data": records},
                                "GlobalParameters": {"method": "predict"}}).json() == {"Results": expected}
    assert titanic_server.post({"dataframe_records": records}, key="secondary").status_code == 200


def test_probes_and_the_openapi_document(titanic_job, titanic_server):
    _, test = titanic_job
    assert httpx.get(f"{titanic_server.url}/").text == "Healthy"
    assert httpx.get(f"{titanic_server.url}/health/live").status_code == 200
    assert httpx.get(f"{titanic_server.url}/health/ready").json()["runtime"] == "onnxruntime"
    assert httpx.get(f"{titanic_server.url}/swagger.json").status_code == 401
    document = httpx.get(f"{titanic_server.url}/swagger.json",
                         headers={"Authorization": f"Bearer {titanic_server.primary}"}).json()
    row = document["components"]["schemas"]["Row"]["properties"]
    assert list(row) == list(test.columns)
    assert row["Age"] == {"type": "number"} and row["Name"] == {"type": "string"}
    assert "/score" in document["paths"]


@pytest.mark.parametrize("header", [None, "Bearer wrong-key", "Basic {key}", "{key}"],
                         ids=["none", "wrong", "basic-scheme", "no-scheme"])
def test_a_missing_or_wrong_key_is_401(titanic_job, titanic_server, header):
    _, test = titanic_job
    headers = {} if header is None else {"Authorization": header.format(key=titanic_server.primary)}
    answer = httpx.post(f"{titanic_server.url}/score", json=_azure(test.head(2)), headers=headers)
    assert answer.status_code == 401 and "Authorization: Bearer" in answer.json()["error"]


def test_bad_bodies_are_400_naming_what_is_wrong(titanic_job, titanic_server):
    _, test = titanic_job
    assert titanic_server.post(content=b'{"input_data": ').status_code == 400
    missing = titanic_server.post(_azure(test.head(2).drop(columns=["Age"])))
    assert missing.status_code == 400 and "missing column(s) 'Age'" in missing.json()["error"]
    extra = titanic_server.post(_azure(test.head(2).assign(Lifeboat="7")))
    assert extra.status_code == 400 and "unknown column(s) 'Lifeboat'" in extra.json()["error"]
    unreadable = titanic_server.post(_azure(test.head(2).assign(Fare=["cheap", "7.25"])))
    assert unreadable.status_code == 400 and "column 'Fare' takes numbers; row 0 has 'cheap'" \
        in unreadable.json()["error"]
    assert titanic_server.post(_azure(test.head(2))).status_code == 200  # and it still serves


def test_keys_never_reach_the_server_log(titanic_job, titanic_server):
    _, test = titanic_job
    titanic_server.post(_azure(test.head(2)), key="a-key-somebody-guessed")
    titanic_server.post(_azure(test.head(2)))
    log = titanic_server.logs()
    assert "POST /score" in log  # the access log is there, without the keys
    for secret in (titanic_server.primary, titanic_server.secondary, "a-key-somebody-guessed"):
        assert secret not in log


def test_a_model_that_raises_is_500_with_an_error_id_and_the_server_goes_on(behaving_server):
    answer = behaving_server.post({"dataframe_records": [{"x": 13.0}]})
    assert answer.status_code == 500
    error_id = answer.json()["error_id"]
    assert "Traceback" not in answer.text and "thirteen" not in answer.text
    log = behaving_server.log.read_text()
    assert error_id in log and "ValueError: thirteen is unlucky" in log
    assert behaving_server.post({"dataframe_records": [{"x": 2.0}]}).json() == pytest.approx([5.0])


def test_a_body_over_the_limit_is_413(behaving_server):
    answer = behaving_server.post({"dataframe_records": [{"x": float(i)} for i in range(2000)]})
    assert answer.status_code == 413


def test_past_the_timeout_is_408_and_past_the_concurrency_is_429(behaving_server):
    answers: dict[str, httpx.Response] = {}

    def slow() -> None:
        answers["slow"] = behaving_server.post({"dataframe_records": [{"x": 7.0}]})
    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.1)  # the slow request holds the only slot for 1 s; this one waits 500 ms, then gives up
    answers["queued"] = behaving_server.post({"dataframe_records": [{"x": 1.0}]})
    thread.join()
    assert answers["slow"].status_code == 408 and "request_timeout_ms=300" in answers["slow"].json()["error"]
    assert answers["queued"].status_code == 429
    time.sleep(1.2)  # the slow scoring ends and frees its slot
    assert behaving_server.post({"dataframe_records": [{"x": 1.0}]}).json() == pytest.approx([3.0])
