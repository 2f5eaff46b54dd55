"""Where runs go: the tracking URI, the experiment, and MLflow's global URI for a moment.

The default store is MLflow's own default: an embedded SQLite file
``mlflow.db`` in the working directory, with artifacts under ``./mlruns``,
both created on first use. ``MLFLOW_TRACKING_URI`` (or an explicit
``tracking_uri``) sends everything to any MLflow server or database instead.
"""
from __future__ import annotations

import contextlib
import logging
import os
import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

if TYPE_CHECKING:
    from automl.engine import AutoMLResult

#: File name of the default SQLite store, in the working directory.
DEFAULT_DB = "mlflow.db"
#: Folder of the default artifact store, in the working directory.
DEFAULT_ARTIFACTS = "mlruns"

_GLOBAL_URI_LOCK = threading.RLock()
#: MLflow loggers whose routine notices (creating the tables, the pickle caution) are
#: not news for AutoML users; warnings and errors still come through from the others.
_CHATTY_LOGGERS = ("mlflow.store.db.utils", "mlflow.sklearn", "alembic.runtime.migration",
                   "mlflow.models.model", "mlflow.tracking._tracking_service.client")
_OFF = ("off", "0", "false", "no")
_URI_VARIABLES = ("MLFLOW_TRACKING_URI", "MLFLOW_REGISTRY_URI")


_CREDENTIALS = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.\-]*://)(?P<user>[^/@:\s]*):[^/@\s]*@")
#: Environment variables whose values are secrets: never written to a log, a result or a run.
SECRET_VARIABLES = ("MLFLOW_TRACKING_TOKEN", "MLFLOW_TRACKING_PASSWORD", "DATABRICKS_TOKEN",
                    "AZURE_STORAGE_ACCESS_KEY", "AWS_SECRET_ACCESS_KEY")


def redact(text: str) -> str:
    """``text`` without secrets: the password of ``scheme://user:password@host`` URIs and the
    values of :data:`SECRET_VARIABLES` become ``***``."""
    text = _CREDENTIALS.sub(lambda m: f"{m['scheme']}{m['user']}:***@", str(text))
    for name in SECRET_VARIABLES:
        value = os.environ.get(name)
        if value and len(value) >= 4:
            text = text.replace(value, "***")
    return text


def without_password(uri: str) -> str:
    """``uri`` with the password of ``scheme://user:password@host`` left out (``scheme://user@host``).

    What a job's saved settings keep: a resumed job is given the password again
    (``automl.resume(..., tracking_uri=...)``, or ``MLFLOW_TRACKING_USERNAME`` and
    ``MLFLOW_TRACKING_PASSWORD``, which MLflow reads).
    """
    return _CREDENTIALS.sub(lambda m: f"{m['scheme']}{m['user']}@", uri)


def job_tracking_uri(result: AutoMLResult) -> str | None:
    """The URI a result was tracked to, credentials included (``result.tracking_uri`` is redacted)."""
    return result._tracking_store or result.tracking_uri


def default_tracking_uri(directory: str | os.PathLike | None = None) -> str:
    """``sqlite:///<directory>/mlflow.db`` (``directory`` defaults to the working directory)."""
    base = Path(directory) if directory is not None else Path.cwd()
    return f"sqlite:///{(base / DEFAULT_DB).resolve()}"


def tracking_enabled(tracking_uri: str | bool | None = None) -> bool:
    """Whether a job with this ``tracking_uri`` is tracked: yes, unless ``AUTOML_TRACKING`` is
    ``off`` (or ``0``, ``false``, ``no``) or ``tracking_uri`` is ``False``."""
    if os.environ.get("AUTOML_TRACKING", "").strip().lower() in _OFF:
        return False
    return tracking_uri is not False


def resolve_tracking_uri(tracking_uri: str | None = None) -> str:
    """The URI runs are logged to.

    Parameters
    ----------
    tracking_uri : str, optional
        Explicit URI (``http://host:5000``, ``sqlite:///path.db``, ``databricks``...).

    Returns
    -------
    str
        ``tracking_uri`` when given, else ``MLFLOW_TRACKING_URI`` when set, else
        :func:`default_tracking_uri`.
    """
    if tracking_uri:
        return str(tracking_uri)
    from_env = os.environ.get("MLFLOW_TRACKING_URI")
    if from_env:
        return from_env
    return default_tracking_uri()


def is_local_sqlite(uri: str) -> bool:
    """Whether ``uri`` is a SQLite store on this machine."""
    return uri.startswith("sqlite:")


def default_artifact_location(uri: str, experiment_name: str) -> str | None:
    """For a local SQLite store: ``<db folder>/mlruns/<experiment>`` as a file URI, else None.

    A server chooses its own artifact root, so nothing is imposed there.
    """
    if not is_local_sqlite(uri):
        return None
    path = uri.split("sqlite:///", 1)[-1]
    folder = Path(path).parent if path and path != ":memory:" else Path.cwd()
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in experiment_name) or "Default"
    return (folder / DEFAULT_ARTIFACTS / safe).resolve().as_uri()


def make_client(uri: str) -> Any:
    """An ``MlflowClient`` for ``uri`` (tracking and registry)."""
    from mlflow import MlflowClient

    return MlflowClient(tracking_uri=uri, registry_uri=uri)


def get_or_create_experiment(client: Any, name: str, uri: str, tags: dict | None = None) -> str:
    """The id of experiment ``name``, created (with a local artifact folder) when missing."""
    experiment = client.get_experiment_by_name(name)
    if experiment is not None:
        return experiment.experiment_id
    try:
        return client.create_experiment(name, artifact_location=default_artifact_location(uri, name),
                                        tags=tags or None)
    except Exception:  # created meanwhile by another process
        experiment = client.get_experiment_by_name(name)
        if experiment is None:
            raise
        return experiment.experiment_id


@contextlib.contextmanager
def quiet_mlflow() -> Iterator[None]:
    """Silence MLflow's routine notices for a moment (levels restored on exit)."""
    loggers = [logging.getLogger(name) for name in _CHATTY_LOGGERS]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels):
            lg.setLevel(level)


@contextlib.contextmanager
def using_tracking_uri(uri: str) -> Iterator[None]:
    """Point MLflow's fluent API (``log_model``, ``register_model``) at ``uri`` for a moment.

    MLflow keeps one global tracking URI (and mirrors it into the environment);
    both are restored exactly on exit. Calls are serialised so that two jobs
    finishing at once do not mix their stores.
    """
    import mlflow
    from mlflow.tracking._model_registry import utils as registry_utils
    from mlflow.tracking._tracking_service import utils as tracking_utils

    with _GLOBAL_URI_LOCK:
        saved = (tracking_utils._tracking_uri, registry_utils._registry_uri,
                 {k: os.environ.get(k) for k in _URI_VARIABLES})
        mlflow.set_tracking_uri(uri)
        mlflow.set_registry_uri(uri)
        try:
            yield
        finally:
            if tracking_utils._tracking_uri != saved[0]:
                if saved[0] is not None:
                    mlflow.set_tracking_uri(saved[0])  # also resets the tracer provider
                tracking_utils._tracking_uri = saved[0]
            registry_utils._registry_uri = saved[1]
            for key, value in saved[2].items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
