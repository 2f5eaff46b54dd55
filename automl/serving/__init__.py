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

Endpoints with several deployments, a traffic split and mirror traffic, in the shape of
Azure's CLI v2, are in :mod:`automl.serving.endpoints` (``automl endpoint`` / ``automl
deployment``), with their YAML files read by :func:`read_endpoint` and :func:`read_deployment`.
"""
from automl.serving import _endpoints as endpoints
from automl.serving._endpoint_store import EndpointStore
from automl.serving._keys import EndpointKeys
from automl.serving._requests import RequestError, ScoringRequest, parse_request
from automl.serving._schema import InputSchema
from automl.serving._scoring_app import RequestSettings, create_app, predictions
from automl.serving._served_model import ServedModel, load_served_model
from automl.serving._specs import DeploymentSpec, EndpointSpec, parse_traffic, read_deployment, read_endpoint
from automl.serving._server import serve

__all__ = ["DeploymentSpec", "EndpointKeys", "EndpointSpec", "EndpointStore", "InputSchema", "RequestError",
           "RequestSettings", "ScoringRequest", "ServedModel", "create_app", "endpoints", "load_served_model",
           "parse_request", "parse_traffic", "predictions", "read_deployment", "read_endpoint", "serve"]
