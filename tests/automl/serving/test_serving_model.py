"""What ``automl serve`` can load: a registered model, an ONNX file, a job's best model; and refusals."""
from __future__ import annotations

import pytest

from automl.errors import ConfigError
from automl.serving import load_served_model

pytestmark = pytest.mark.slow


@pytest.fixture
def store(serving_env, monkeypatch):
    monkeypatch.setenv("MLFLOW_TRACKING_URI", serving_env["MLFLOW_TRACKING_URI"])
    monkeypatch.setenv("AUTOML_TRACKING", "on")


@pytest.mark.parametrize("form, runtime, source", [
    ("onnx", "onnxruntime", "the ONNX graph's inputs"), ("mlflow", "python", "the MLflow signature")])
def test_a_registered_model_is_scored_in_its_form(titanic_job, store, form, runtime, source):
    result, test = titanic_job
    version = result.register_model(f"titanic-served-{form}", format=form)
    served = load_served_model(f"models:/titanic-served-{form}/{version.version}")
    assert (served.runtime, served.schema.source) == (runtime, source)
    assert list(served.schema.columns) == list(test.columns)
    assert served.schema.columns["Age"] == "number" and served.schema.columns["Sex"] == "string"
    assert served.scorer.predict(test).tolist() == result.best_model.predict(test).tolist()


def test_an_onnx_file_is_scored_with_onnxruntime(titanic_job, tmp_path):
    result, test = titanic_job
    result.export_onnx(tmp_path / "model.onnx")
    served = load_served_model(tmp_path / "model.onnx")
    assert served.runtime == "onnxruntime"
    assert served.scorer.predict(test).tolist() == result.best_model.predict(test).tolist()


def test_a_jobs_best_model_is_its_onnx_form(titanic_job, store):
    served = load_served_model(job="titanic_served")
    assert served.runtime == "onnxruntime" and served.reference.endswith("/model_onnx")


@pytest.mark.parametrize("kwargs, says", [
    ({}, "give the model to serve"),
    ({"reference": "model.onnx", "job": "titanic_served"}, "not both"),
    ({"job": "no_such_job"}, "no job named 'no_such_job'"),
    ({"reference": "missing/model.onnx"}, "does not exist"),
])
def test_nothing_to_serve_is_a_clear_error(titanic_job, store, kwargs, says):
    with pytest.raises(ConfigError, match=says):
        load_served_model(**kwargs)


def test_single_rows_scored_from_their_lists_match_the_model(titanic_job, tmp_path):
    """Small requests to an ONNX model skip the DataFrame (plain_feed); every titanic test row, sent
    alone as JSON (nulls, numbers and text as a client sends them), gets the model's own answer."""
    import json

    import numpy as np

    from automl.export import plain_feed
    from automl.serving import parse_request, predictions

    result, test = titanic_job
    result.export_onnx(tmp_path / "model.onnx")
    served = load_served_model(tmp_path / "model.onnx")
    split = json.loads(test.to_json(orient="split", index=False))
    labels, probabilities, lists_fed = [], [], 0
    for row in split["data"]:
        body = {"input_data": {"columns": split["columns"], "data": [row]}}
        lists_fed += plain_feed(split["columns"], [row], served.scorer.kinds) is not None
        labels += predictions(served, parse_request(json.dumps(body).encode()))
        answer = predictions(served, parse_request(json.dumps({**body, "params": {"method": "predict_proba"}}).encode()))
        probabilities.append([answer[0][str(c)] for c in result.best_model.classes_])
    assert lists_fed == len(test)  # titanic's nulls and text all take the list path
    assert labels == result.best_model.predict(test).tolist()
    np.testing.assert_allclose(probabilities, result.best_model.predict_proba(test), atol=1e-5)
