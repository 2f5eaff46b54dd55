"""``result.register_model``: a model registry version of a job's best model."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mlflow.entities.model_registry import ModelVersion

    from automl.engine import AutoMLResult

from automl.errors import ConfigError
from automl.tracking._models import log_onnx_model, log_sklearn_model, register
from automl.tracking._store import (
    get_or_create_experiment,
    job_tracking_uri,
    make_client,
    quiet_mlflow,
    resolve_tracking_uri,
)

FORMATS = ("mlflow", "onnx")
#: Experiment of the run created when a result was not tracked where it is registered.
REGISTRATION_EXPERIMENT = "automl-registered-models"


def _run_for(result: AutoMLResult, uri: str) -> str:
    """The result's parent run in ``uri``, or a new run there to hold the model."""
    if result.mlflow_run_id and job_tracking_uri(result) == uri:
        return result.mlflow_run_id
    client = make_client(uri)
    experiment_id = get_or_create_experiment(client, REGISTRATION_EXPERIMENT, uri)
    run = client.create_run(experiment_id, run_name=f"{result.name}_model",
                            tags={"automl_job": result.name})
    client.set_terminated(run.info.run_id)
    return run.info.run_id


def _log(result: AutoMLResult, fmt: str, uri: str) -> str:
    run_id = _run_for(result, uri)
    if fmt == "mlflow":
        return log_sklearn_model(result.best_model, run_id, uri, result.check_rows)
    from automl.export import convert_result

    exported = convert_result(result, strict=True)
    result.onnx_check = exported.check.to_dict()
    return log_onnx_model(exported.model, run_id, uri, {"automl.inputs": exported.input_kinds})


def register_result_model(result: AutoMLResult, name: str, *, tags: dict | None = None, format: str = "mlflow",
                          description: str | None = None, tracking_uri: str | None = None) -> ModelVersion:
    """Register ``result``'s best model as a new version of ``name``.

    Parameters
    ----------
    result : AutoMLResult
    name : str
        Registered model name.
    tags : dict, optional
        Tags of the new version.
    format : {"mlflow", "onnx"}
        The MLflow model (sklearn + pyfunc flavours) or the ONNX graph (onnx flavour).
    description : str, optional
    tracking_uri : str, optional
        Registry to use; default: where the job was tracked, else the default store.

    Returns
    -------
    mlflow.entities.model_registry.ModelVersion
        With ``name`` and ``version``; load it with
        ``mlflow.pyfunc.load_model(f"models:/{name}/{version}")``.
    """
    fmt = str(format).lower()
    if fmt not in FORMATS:
        raise ConfigError(f"register_model: format must be one of {', '.join(FORMATS)}, got {format!r}.")
    if result.best_model is None:
        raise ConfigError(f"Job {result.name!r} has no model to register (status {result.status}).")
    if not name or not isinstance(name, str):
        raise ConfigError("register_model: give the registered model a name, e.g. 'adult-income'.")
    tracked = job_tracking_uri(result)
    uri = resolve_tracking_uri(tracking_uri or tracked)
    logged = dict(result.logged_models or {}) if tracked == uri else {}
    with quiet_mlflow():
        model_uri = logged.get(fmt)
        if model_uri is None:
            model_uri = _log(result, fmt, uri)
            if tracked == uri or tracked is None:
                result.logged_models = {**(result.logged_models or {}), fmt: model_uri}
        return register(model_uri, name, uri, tags=tags, description=description)
