"""The model a server scores with: resolved from a reference, with its input columns.

A reference is a registered ``models:/NAME/VERSION`` (or any MLflow model URI),
a saved MLflow model folder, an exported ``.onnx`` file, or a job's name (its
best model, from the MLflow store the job was tracked in). A model that has an
ONNX form which passed its parity check (the ``onnx`` flavour, logged only then)
is scored with onnxruntime; any other with its Python pipeline.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from automl.batch import OnnxScorer, PythonScorer, download_model, is_model_uri, load_scorer
from automl.errors import ConfigError
from automl.serving._schema import ANY, MLFLOW_KINDS, InputSchema

__all__ = ["ServedModel", "job_model_uri", "load_served_model"]


@dataclass
class ServedModel:
    """A loaded scorer and what it takes.

    Attributes
    ----------
    scorer : OnnxScorer or PythonScorer
    schema : InputSchema
    reference : str
        What it was loaded from.
    """

    scorer: Any
    schema: InputSchema
    reference: str

    @property
    def runtime(self) -> str:
        """``onnxruntime`` or ``python``."""
        return "onnxruntime" if self.scorer.kind == "onnx" else "python"

    @property
    def forecaster(self) -> bool:
        """Whether the model forecasts (it answers quantiles)."""
        return hasattr(getattr(self.scorer, "model", None), "forecast_quantiles")


def job_model_uri(job: str) -> str:
    """The model URI of job ``job``'s best model: its ONNX form when one was logged, else the
    MLflow (Python) model."""
    from automl.tracking import resolve_tracking_uri
    from automl.tracking._job_runs import find_job_run
    from automl.tracking._models import MODEL_NAME, ONNX_MODEL_NAME
    from automl.tracking._records import BEST_CHILD_TAG
    from automl.tracking._store import make_client

    uri = resolve_tracking_uri()
    client = make_client(uri)
    run, _ = find_job_run(client, uri, job)
    run_id = run.data.tags.get(BEST_CHILD_TAG, run.info.run_id)
    logged = {m.name for m in client.search_logged_models(
        experiment_ids=[run.info.experiment_id], filter_string=f"source_run_id = '{run_id}'")}
    for name in (ONNX_MODEL_NAME, MODEL_NAME):
        if name in logged:
            return f"runs:/{run_id}/{name}"
    raise ConfigError(f"job {job!r} logged no model (its status is {run.data.tags.get('status', '?')}); "
                      "serve a registered model (models:/NAME/VERSION) or a saved model folder instead.")


def _signature_kinds(folder: Path) -> dict[str, str] | None:
    import yaml

    mlmodel = folder / "MLmodel"
    if not mlmodel.is_file():
        return None
    signature = (yaml.safe_load(mlmodel.read_text(encoding="utf-8")) or {}).get("signature") or {}
    inputs = json.loads(signature["inputs"]) if signature.get("inputs") else None
    if not inputs:
        return None
    return {entry["name"]: MLFLOW_KINDS.get(str(entry.get("type")), ANY) for entry in inputs if "name" in entry}


def _schema(scorer: Any, folder: Path | None) -> InputSchema:
    if isinstance(scorer, OnnxScorer):
        return InputSchema(dict(scorer.kinds), "the ONNX graph's inputs")
    kinds = _signature_kinds(folder) if folder is not None else None
    if kinds:
        return InputSchema(kinds, "the MLflow signature")
    model = scorer.model if isinstance(scorer, PythonScorer) else None
    steps = getattr(model, "steps", None)
    if steps:
        from sklearn.compose import ColumnTransformer

        from automl.export import input_kinds

        if isinstance(steps[0][1], ColumnTransformer):
            return InputSchema(input_kinds(steps[0][1]), "the model's featurization")
    return InputSchema({c: ANY for c in scorer.columns}, "the model's columns")


def load_served_model(reference: str | os.PathLike | None = None, *, job: str | None = None,
                      threads: int | None = None) -> ServedModel:
    """Load the model to serve: ``reference`` or the best model of ``job`` (exactly one; a
    reference ``job:NAME`` names a job too).

    Raises
    ------
    ConfigError
        Neither or both given, or nothing loadable there (the message says what was expected).
    """
    if reference is not None and os.fspath(reference).startswith("job:"):
        reference, job = None, os.fspath(reference)[len("job:"):]
    if (reference is None) == (job is None):
        raise ConfigError("give the model to serve: --model (models:/NAME/VERSION, a saved model folder "
                          "or a model.onnx file) or --job NAME (a job's best model), not both.")
    text = job_model_uri(job) if job is not None else os.fspath(reference)
    if is_model_uri(text):
        with download_model(text) as folder:  # the scorer holds the model
            scorer = load_scorer(str(folder), threads=threads)
            return ServedModel(scorer, _schema(scorer, folder), text)
    folder = Path(text) if Path(text).is_dir() else None
    scorer = load_scorer(text, threads=threads)
    return ServedModel(scorer, _schema(scorer, folder), text)
