"""Run the scoring app with uvicorn: one process, or ``instance_count`` worker processes."""
from __future__ import annotations

import dataclasses
import json
import os
from typing import Callable

from starlette.applications import Starlette

from automl.errors import ConfigError
from automl.serving._scoring_app import RequestSettings, create_app
from automl.serving._keys import EndpointKeys
from automl.serving._served_model import ServedModel, load_served_model

__all__ = ["app_from_environment", "banner", "serve"]

#: The environment variable that gives worker processes what to serve (keys included: never logged).
CONFIG_VARIABLE = "AUTOML_SERVE_CONFIG"


def app_from_environment() -> Starlette:
    """The app of a uvicorn worker process: the model and settings of :data:`CONFIG_VARIABLE`."""
    config = json.loads(os.environ[CONFIG_VARIABLE])
    model = load_served_model(config["model"])
    return create_app(model, EndpointKeys(**config["keys"]), RequestSettings(**config["settings"]),
                      config["name"])


def banner(model: ServedModel, keys: EndpointKeys, host: str, port: int, instance_count: int) -> str:
    """What ``automl serve`` prints before it listens: where to send requests, and the key."""
    base = f"http://{host}:{port}"
    return (f"Serving {model.reference} with {model.runtime} "
            f"({instance_count} instance{'s' if instance_count > 1 else ''}).\n"
            f"  Scoring URI: {base}/score\n  Swagger URI: {base}/swagger.json\n"
            f"  Primary key: {keys.primary}\n  Secondary key: {keys.secondary}\n"
            f"Try: curl -X POST {base}/score -H 'Authorization: Bearer <key>' "
            "-H 'Content-Type: application/json' -d @sample.json")


def serve(model: str | None = None, *, job: str | None = None, host: str = "127.0.0.1", port: int = 5001,
          instance_count: int = 1, settings: RequestSettings = RequestSettings(),
          keys: EndpointKeys | None = None, name: str = "automl",
          announce: Callable[[str], None] = print) -> None:
    """Serve a model over HTTP until interrupted.

    Parameters
    ----------
    model : str, optional
        ``models:/NAME/VERSION``, a saved MLflow model folder, or a ``.onnx`` file.
    job : str, optional
        Instead of ``model``: the best model of this job (from the MLflow store).
    host, port : str, int
        Where to listen; loopback by default.
    instance_count : int, default=1
        Worker processes, each with its own copy of the model.
    settings : RequestSettings
        Timeouts, concurrency and body size.
    keys : EndpointKeys, optional
        The keys to accept; new random keys by default.
    announce : callable
        Receives :func:`banner` once the model is loaded.
    """
    import uvicorn

    if instance_count < 1:
        raise ConfigError(f"instance_count must be at least 1, got {instance_count}.")
    keys = keys or EndpointKeys()
    served = load_served_model(model, job=job)  # errors come before the server starts
    announce(banner(served, keys, host, port, instance_count))
    if instance_count == 1:
        uvicorn.run(create_app(served, keys, settings, name), host=host, port=port, log_level="info")
        return
    os.environ[CONFIG_VARIABLE] = json.dumps({
        "model": served.reference, "keys": dataclasses.asdict(keys),
        "settings": dataclasses.asdict(settings), "name": name})
    del served  # each worker loads its own
    uvicorn.run("automl.serving._server:app_from_environment", factory=True, host=host, port=port,
                workers=instance_count, log_level="info")
