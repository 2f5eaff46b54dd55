"""``endpoint.yml`` and ``deployment.yml``, in the shape of Azure ML's CLI v2 online endpoints.

Unknown keys are errors naming the file, the line and the closest valid key, as in
``automl train``. Keys Azure needs for its cloud (``instance_type``, ``environment``,
``code_configuration``, probes, ...) are accepted and ignored with a warning. A
deployment's ``model`` is ``models:/NAME/VERSION``, Azure's ``azureml:NAME:VERSION``,
``job:NAME`` (a job's best model), or a path to an MLflow model folder or a
``model.onnx`` (relative to the YAML file).
"""
from __future__ import annotations

import os
import re
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable

from automl.errors import ConfigError, did_you_mean
from automl.jobs._yaml_loader import SourceMapping, read_yaml
from automl.serving._scoring_app import RequestSettings

__all__ = ["DeploymentSpec", "EndpointSpec", "read_deployment", "read_endpoint", "parse_traffic"]

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9-]{0,31}$")
_ENDPOINT_KEYS = ("$schema", "name", "auth_mode", "description", "tags")
_ENDPOINT_IGNORED = ("identity", "public_network_access", "kind")
_DEPLOYMENT_KEYS = ("$schema", "name", "endpoint_name", "model", "instance_count", "request_settings",
                    "description", "tags")
_DEPLOYMENT_IGNORED = ("instance_type", "environment", "code_configuration", "liveness_probe", "readiness_probe",
                       "scale_settings", "app_insights_enabled", "egress_public_network_access",
                       "environment_variables", "data_collector", "type")
_REQUEST_KEYS = ("request_timeout_ms", "max_concurrent_requests_per_instance", "max_queue_wait_ms")


def checked_resource_name(name: object, what: str, where: str) -> str:
    """An endpoint or deployment name as Azure allows it: a letter, then letters, digits and '-'."""
    if not isinstance(name, str) or not _NAME.match(name):
        raise ConfigError(f"{where}: {what} name {name!r} must start with a letter and hold only letters, "
                          "digits and '-' (at most 32 characters).")
    return name


def _check_keys(mapping: SourceMapping, valid: Iterable[str], ignored: Iterable[str], within: str = "") -> None:
    valid, ignored = list(valid), list(ignored)
    for key in mapping:
        if key in ignored:
            warnings.warn(f"{mapping.where(key)}: '{key}' is for Azure's cloud; it is ignored here.", stacklevel=3)
        elif key not in valid:
            place = f" in '{within}'" if within else ""
            raise ConfigError(f"{mapping.where(key)}: unknown key '{key}'{place}.{did_you_mean(key, valid)} "
                              f"Valid keys{place}: {', '.join(sorted(valid))}.")


def _positive_int(mapping: SourceMapping, key: str, default: int) -> int:
    value = mapping.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"{mapping.where(key)}: '{key}' must be a whole number of at least 1, got {value!r}.")
    return value


@dataclass
class EndpointSpec:
    """An online endpoint: a name, and key authentication (the only mode here)."""

    name: str
    auth_mode: str = "key"
    description: str = ""


@dataclass
class DeploymentSpec:
    """A deployment: a model behind an endpoint, with its instances and request settings."""

    name: str
    endpoint_name: str
    model: str
    instance_count: int = 1
    request_settings: dict[str, int] = field(default_factory=lambda: asdict(RequestSettings()))

    def settings(self) -> RequestSettings:
        """The :class:`RequestSettings` of the deployment."""
        return RequestSettings(**self.request_settings)


def read_endpoint(path: str | os.PathLike, name: str | None = None) -> EndpointSpec:
    """The endpoint of ``endpoint.yml`` (``name`` overrides the file's, as ``--name`` does)."""
    spec = read_yaml(path)
    _check_keys(spec, _ENDPOINT_KEYS, _ENDPOINT_IGNORED)
    auth = spec.get("auth_mode", "key")
    if auth != "key":
        raise ConfigError(f"{spec.where('auth_mode')}: auth_mode {auth!r} is not supported here; use 'key'.")
    chosen = name or spec.get("name")
    return EndpointSpec(checked_resource_name(chosen, "endpoint", spec.where("name")), auth,
                        str(spec.get("description", "")))


def _model_reference(value: Any, where: str, base: Path) -> str:
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{where}: 'model' must be models:/NAME/VERSION, azureml:NAME:VERSION, job:NAME "
                          f"or the path of a model folder or model.onnx, got {value!r}.")
    azure = re.match(r"^azureml:([^:/]+):(\w+)$", value)
    if azure:
        return f"models:/{azure.group(1)}/{azure.group(2)}"
    if value.startswith(("models:", "runs:", "job:")) or "://" in value:
        return value
    path = Path(value) if Path(value).is_absolute() else base / value
    if not path.exists():
        raise ConfigError(f"{where}: model path '{value}' does not exist (relative paths start at {base}).")
    return str(path.resolve())


def read_deployment(path: str | os.PathLike, name: str | None = None,
                    endpoint_name: str | None = None) -> DeploymentSpec:
    """The deployment of ``deployment.yml``; ``name`` and ``endpoint_name`` override the file's."""
    spec = read_yaml(path)
    _check_keys(spec, _DEPLOYMENT_KEYS, _DEPLOYMENT_IGNORED)
    request = spec.get("request_settings") or SourceMapping(source=spec.source)
    if not isinstance(request, SourceMapping):
        raise ConfigError(f"{spec.where('request_settings')}: 'request_settings' is a section, got {request!r}.")
    _check_keys(request, _REQUEST_KEYS, (), "request_settings")
    defaults = RequestSettings()
    settings = {key: _positive_int(request, key, getattr(defaults, key)) for key in _REQUEST_KEYS}
    if "model" not in spec:
        raise ConfigError(f"{path}: a deployment needs 'model' (models:/NAME/VERSION, a folder or model.onnx).")
    return DeploymentSpec(
        checked_resource_name(name or spec.get("name"), "deployment", spec.where("name")),
        checked_resource_name(endpoint_name or spec.get("endpoint_name"), "endpoint", spec.where("endpoint_name")),
        _model_reference(spec["model"], spec.where("model"), Path(path).resolve().parent),
        _positive_int(spec, "instance_count", 1),
        {**settings, "max_body_bytes": defaults.max_body_bytes})


def parse_traffic(text: str, option: str = "--traffic") -> dict[str, int]:
    """``"blue=90,green=10"`` as ``{"blue": 90, "green": 10}``."""
    shares: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, sep, value = part.partition("=")
        if not sep or not value.strip().isdigit():
            raise ConfigError(f"{option} {text!r}: write deployment=percent pairs, e.g. \"blue=90,green=10\".")
        shares[name.strip()] = int(value)
    return shares
