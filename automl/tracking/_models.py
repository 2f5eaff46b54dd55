"""The best model as an MLflow model (sklearn + pyfunc, or ONNX) and its registry versions.

Serialisation: ``cloudpickle``. MLflow 3 defaults scikit-learn models to the
``skops`` format, which refuses the LightGBM and XGBoost objects inside our
pipelines (and our own featurizers) unless each type is trusted by name;
cloudpickle stores any fitted pipeline and loads it back wherever the same
package versions are installed, which the pinned requirements give.
"""
from __future__ import annotations

import contextlib
import importlib.metadata as importlib_metadata
import re
from typing import Any, Iterator

import numpy as np
import pandas as pd

from automl.tracking._store import using_tracking_uri

#: How scikit-learn pipelines are serialised (see the module docstring).
SERIALIZATION_FORMAT = "cloudpickle"
#: Artifact names of the logged models.
MODEL_NAME, ONNX_MODEL_NAME = "model", "model_onnx"
#: Rows in the input example.
EXAMPLE_ROWS = 5
_DISTRIBUTION = "automl-studio"


def _installed(name: str) -> str | None:
    try:
        return importlib_metadata.version(name)
    except importlib_metadata.PackageNotFoundError:
        return None


def warm_requirement_checks() -> None:
    """Build MLflow's module-to-package index now, off the job's critical path.

    ``log_model`` checks every requirement against the installed packages, and
    the first check indexes every installed distribution: seconds, which the
    end of a job would otherwise wait for. The tracker runs this on its logging
    thread while the trials train; the index is cached for the process.
    """
    try:
        from mlflow.utils import requirements_utils

        requirements_utils._init_packages_to_modules_map()
    except Exception:  # a private MLflow helper: without it the check just runs later
        pass


def pinned_requirements(extra: tuple[str, ...] = ("cloudpickle",)) -> list[str]:
    """``name==version`` of automl-studio and everything it needs to load a model here."""
    names: list[str] = []
    try:
        for requirement in importlib_metadata.requires(_DISTRIBUTION) or []:
            if "extra ==" in requirement:
                continue
            names.append(re.split(r"[ ;<>=!~\[]", requirement, maxsplit=1)[0])
    except importlib_metadata.PackageNotFoundError:
        names += ["numpy", "pandas", "scipy", "scikit-learn", "lightgbm", "xgboost"]
    pins = []
    for name in [_DISTRIBUTION, *names, *extra]:
        version = _installed(name)
        if version and not any(p.split("==")[0] == name for p in pins):
            pins.append(f"{name}=={version}")
    return pins


def model_signature(model: Any, X: pd.DataFrame | None) -> tuple[Any, pd.DataFrame | None]:
    """Signature inferred from raw training-like rows and the model's predictions, and an input example.

    Columns keep their training types: an integer column is ``long``, so rows
    must bring it as integers (a column with missing values in training is
    ``double`` and optional), as MLflow recommends.
    """
    if X is None or len(X) == 0:
        return None, None
    from mlflow.models import ModelSignature, infer_signature
    from mlflow.types import ColSpec, Schema

    sample = signature_rows(X)
    predictions = np.asarray(model.predict(sample.head(200)))
    integer = {c: _integer_type(sample[c].dtype) for c in sample.columns
               if pd.api.types.is_integer_dtype(sample[c].dtype)}
    # Inferred on the integer columns as floats, then typed back: MLflow warns about every
    # schema holding integers, and a ``catch_warnings`` around the call does not stay in
    # force when the model is logged in a background thread (deferred tracking) while the
    # main thread leaves a block of its own, since ``catch_warnings`` is not thread-safe.
    signature = infer_signature(sample.astype({c: "float64" for c in integer}), predictions)
    inputs = [ColSpec(integer[spec.name] if spec.name in integer and spec.required else spec.type,
                      spec.name, spec.required) for spec in signature.inputs.inputs]
    return ModelSignature(Schema(inputs), signature.outputs), X.head(EXAMPLE_ROWS)


def _integer_type(dtype: Any) -> Any:
    """MLflow's type for an integer dtype: ``integer`` up to 32 bits, ``long`` above, as MLflow infers."""
    from mlflow.types import DataType

    size = np.dtype(getattr(dtype, "numpy_dtype", dtype)).itemsize
    return DataType.integer if size < 4 or (size == 4 and dtype.kind == "i") else DataType.long


def signature_rows(X: pd.DataFrame, head: int = 200) -> pd.DataFrame:
    """The first ``head`` rows plus, per column, its first missing and first present value.

    Enough for MLflow to infer every column's type and whether it is optional,
    at a fixed cost: inferring from all rows scans every string value.
    """
    positions = set(range(min(head, len(X))))
    for j in range(X.shape[1]):
        missing = X.iloc[:, j].isna().to_numpy()
        positions.update(np.flatnonzero(missing)[:1].tolist())
        positions.update(np.flatnonzero(~missing)[:1].tolist())
    return X.iloc[sorted(positions)]


@contextlib.contextmanager
def _experiment_of(run_id: str) -> Iterator[None]:
    """File a model logged by run id under that run's experiment, for the duration of the call.

    MLflow 3 files it under the fluent API's active experiment instead (by default
    ``0``, whose artifacts go to ``./mlruns`` in the working directory, away from the
    job's store). Called inside :func:`using_tracking_uri`, whose lock serialises this.
    """
    from mlflow import MlflowClient
    from mlflow.tracking import fluent

    if not hasattr(fluent, "_active_experiment_id"):
        yield
        return
    saved = fluent._active_experiment_id
    fluent._active_experiment_id = MlflowClient().get_run(run_id).info.experiment_id
    try:
        yield
    finally:
        fluent._active_experiment_id = saved


def log_sklearn_model(model: Any, run_id: str, uri: str, X: pd.DataFrame | None) -> str:
    """Log ``model`` with the sklearn and pyfunc flavours under ``run_id``; return its model URI.

    ``X`` (raw training rows) gives the signature and the input example.
    """
    import mlflow.sklearn

    signature, example = model_signature(model, X)
    with using_tracking_uri(uri), _experiment_of(run_id):
        info = mlflow.sklearn.log_model(
            model, name=MODEL_NAME, run_id=run_id, serialization_format=SERIALIZATION_FORMAT,
            signature=signature, input_example=example, pip_requirements=pinned_requirements())
    return info.model_uri


def save_sklearn_model(model: Any, path: Any, X: pd.DataFrame | None) -> str:
    """Save ``model`` as an MLflow model folder at ``path`` (sklearn + pyfunc flavours, as logged).

    The folder must not exist yet; ``X`` (raw rows) gives the signature and the input example.
    Returns the folder as a string.
    """
    import mlflow.sklearn

    from automl.tracking._store import quiet_mlflow

    signature, example = model_signature(model, X)
    with quiet_mlflow():
        mlflow.sklearn.save_model(model, str(path), serialization_format=SERIALIZATION_FORMAT,
                                  signature=signature, input_example=example,
                                  pip_requirements=pinned_requirements())
    return str(path)


def log_onnx_model(onnx_model: Any, run_id: str, uri: str, metadata: dict | None = None) -> str:
    """Log an ONNX graph with MLflow's onnx flavour under ``run_id``; return its model URI."""
    import mlflow.onnx

    requirements = [f"{n}=={_installed(n)}" for n in ("onnx", "onnxruntime", "numpy") if _installed(n)]
    with using_tracking_uri(uri), _experiment_of(run_id):
        info = mlflow.onnx.log_model(onnx_model, name=ONNX_MODEL_NAME, run_id=run_id,
                                     pip_requirements=requirements, metadata=metadata,
                                     save_as_external_data=False)
    return info.model_uri


def register(model_uri: str, name: str, uri: str, tags: dict | None = None,
             description: str | None = None) -> Any:
    """A new version of registered model ``name`` from ``model_uri``; returns MLflow's ``ModelVersion``."""
    import mlflow

    with using_tracking_uri(uri):
        version = mlflow.register_model(model_uri, name, tags={k: str(v) for k, v in (tags or {}).items()}
                                        or None)
        if description:
            version = mlflow.MlflowClient(uri, uri).update_model_version(name, version.version,
                                                                         description=description)
    return version
