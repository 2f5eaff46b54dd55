"""MLflow tracking and the model registry.

Every job is recorded by :class:`MlflowTracker` (one of the default job
observers): a parent run named after the job in the experiment
``experiment_name``, one child run ``<job>_<n>`` per trial, the job's
artifacts, and the best model as an MLflow model. The store is MLflow's
default, ``sqlite:///mlflow.db`` in the working directory, unless
``MLFLOW_TRACKING_URI`` (or ``tracking_uri=``) names another. ``AUTOML_TRACKING=off``
turns tracking off (benchmarks, test suites).

>>> result = job.submit()                                       # doctest: +SKIP
>>> version = result.register_model("adult-income", tags={"team": "risk"})
>>> import mlflow
>>> mlflow.pyfunc.load_model(f"models:/adult-income/{version.version}")

Security: a logged or registered ``"mlflow"`` model is a pickle (cloudpickle), and loading a
pickle runs the code it holds. Load models only from stores you trust, never from an
untrusted path; exchange the ONNX graph (``format="onnx"``) instead. Tracking credentials
(``MLFLOW_TRACKING_TOKEN``, ``MLFLOW_TRACKING_PASSWORD``, a password in the tracking URI) are
never written to logs, runs or results: messages are redacted before they are kept. A job's state
folder keeps its tracking URI without the password (:func:`without_password`); give it again to
``automl.resume`` or ``automl.extend`` (``tracking_uri=``), or set ``MLFLOW_TRACKING_USERNAME`` and
``MLFLOW_TRACKING_PASSWORD``.
"""
from automl.tracking._models import SERIALIZATION_FORMAT, pinned_requirements, save_sklearn_model
from automl.tracking._model_registry import register_result_model
from automl.tracking._store import (
    default_tracking_uri,
    resolve_tracking_uri,
    tracking_enabled,
    using_tracking_uri,
    without_password,
)
from automl.tracking._tracker import MlflowTracker

__all__ = [
    "MlflowTracker", "SERIALIZATION_FORMAT", "default_tracking_uri", "pinned_requirements",
    "register_result_model", "resolve_tracking_uri", "save_sklearn_model", "tracking_enabled",
    "using_tracking_uri", "without_password",
]
