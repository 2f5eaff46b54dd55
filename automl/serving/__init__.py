"""Online scoring: a model behind an HTTP endpoint, in the shape of an Azure ML online deployment.

``automl serve --model models:/titanic/1`` (or :func:`serve`) loads the model,
prints the scoring URI and the keys, and answers ``POST /score`` with
``Authorization: Bearer <key>``:

>>> import httpx                                                     # doctest: +SKIP
>>> httpx.post("http://127.0.0.1:5001/score", headers={"Authorization": f"Bearer {key}"},
...            json={"input_data": {"columns": ["Age", "Sex"], "data": [[22, "male"]]}}).json()
[0]

Bodies in Azure's ``input_data`` format, MLflow's ``dataframe_split`` and
``dataframe_records``, and Azure AutoML's ``Inputs`` are accepted; ``"params":
{"method": "predict_proba"}`` asks for class probabilities and ``"params":
{"quantiles": [0.1, 0.9]}`` for forecast quantiles. Models with a checked ONNX
form are scored with onnxruntime.
"""
from automl.serving._keys import EndpointKeys
from automl.serving._requests import RequestError, ScoringRequest, parse_request
from automl.serving._schema import InputSchema
from automl.serving._scoring_app import RequestSettings, create_app, predictions
from automl.serving._served_model import ServedModel, load_served_model
from automl.serving._server import serve

__all__ = ["EndpointKeys", "InputSchema", "RequestError", "RequestSettings", "ScoringRequest", "ServedModel",
           "create_app", "load_served_model", "parse_request", "predictions", "serve"]
