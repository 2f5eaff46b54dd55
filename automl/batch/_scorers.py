"""What scores the rows: an ONNX graph (onnxruntime, no pickle) or a Python model.

:func:`load_scorer` takes a ``models:/NAME/VERSION`` (or any MLflow model URI),
a saved MLflow model folder, a ``.onnx`` file, or a fitted pipeline. A
registered or saved model with the ``onnx`` flavour is scored with onnxruntime
and is never unpickled; one with the ``sklearn`` flavour is loaded with MLflow
(cloudpickle) and scored with its ``predict`` / ``predict_proba``.
"""
from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import pandas as pd

from automl.errors import ConfigError, DataError

if TYPE_CHECKING:
    import onnx

__all__ = ["OnnxScorer", "PythonScorer", "Scorer", "download_model", "is_model_uri", "load_scorer",
           "require_columns"]

#: Where an MLflow model keeps its description.
MLMODEL = "MLmodel"
#: MLflow's switch of its download progress bar.
_PROGRESS_BAR = "MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR"
#: Rows per onnxruntime call (measured on adult: 25,000 rows per call score 100,000 rows a third faster).
ONNX_CHUNK_ROWS = 25_000

#: numpy dtypes of onnxruntime's output types, for the outputs of no rows.
_ONNX_DTYPES = {"tensor(float)": np.float32, "tensor(double)": np.float64, "tensor(int64)": np.int64,
                "tensor(string)": object, "tensor(bool)": np.bool_}


class Scorer(Protocol):
    """Scores raw rows. ``classes`` is None for regression."""

    kind: str
    columns: list[str]
    classes: list | None

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Labels or values of ``X``."""

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Class probabilities of ``X``, one column per class of ``classes``."""


def require_columns(X: pd.DataFrame, columns: list[str], *, select: bool = True) -> pd.DataFrame:
    """``X`` reduced to ``columns`` (``X`` itself without ``select`` or columns); a
    :class:`DataError` names the missing ones."""
    if not columns:
        return X
    missing = [c for c in columns if c not in X.columns]
    if missing:
        shown = ", ".join(repr(c) for c in missing[:10]) + (" ..." if len(missing) > 10 else "")
        raise DataError(f"missing column(s) {shown} that the model was trained on; the data has "
                        f"{', '.join(repr(str(c)) for c in list(X.columns)[:10])}.")
    return X[columns] if select else X


def _metadata(graph: onnx.ModelProto) -> dict[str, str]:
    """The metadata of an ONNX graph (a parsed graph passed here is freed on return)."""
    return {p.key: p.value for p in graph.metadata_props}


class OnnxScorer:
    """An exported graph scored with onnxruntime.

    Parameters
    ----------
    model : onnx.ModelProto, bytes or path
        A graph written by :meth:`automl.AutoMLResult.export_onnx` (its metadata
        ``automl.inputs`` says how to feed raw columns).
    threads : int, optional
        onnxruntime intra-op threads (default: onnxruntime's choice).
    """

    kind = "onnx"

    def __init__(self, model: Any, *, threads: int | None = None) -> None:
        import onnx

        from automl.export import rows_per_run, session

        if isinstance(model, (str, os.PathLike)):
            model = Path(model).read_bytes()
        graph = model if isinstance(model, bytes) else model.SerializeToString()
        parsed = onnx.load_model_from_string(model) if isinstance(model, bytes) else model
        meta = _metadata(parsed)
        #: Rows per onnxruntime call: :data:`ONNX_CHUNK_ROWS`, fewer where a KNN's distances would be large.
        self.rows_per_run = min(ONNX_CHUNK_ROWS, rows_per_run(parsed) or ONNX_CHUNK_ROWS)
        del parsed
        if "automl.inputs" not in meta:
            raise ConfigError("this ONNX model was not exported by automl-studio (no 'automl.inputs' "
                              "metadata); export it with result.export_onnx(path).")
        self.kinds: dict[str, str] = json.loads(meta["automl.inputs"])
        self.columns = list(self.kinds)
        self._graph, self._threads = graph, threads
        self._session = session(graph, threads=threads)  # the parsed graph is gone by now
        self._outputs = [o.name for o in self._session.get_outputs()]
        self.classes = json.loads(meta["automl.classes"]) if "automl.classes" in meta else (
            None if "probabilities" not in self._outputs else [])
        #: Whether the model is a classifier: it outputs class probabilities beside labels.
        self.probabilities = "probabilities" in self._outputs

    def __reduce__(self) -> tuple[Callable[[bytes, int | None], OnnxScorer], tuple[bytes, int | None]]:
        """Pickled as its graph (an onnxruntime session does not pickle): sent to a cluster's workers."""
        return _onnx_scorer, (self._graph, self._threads)

    def _feed(self, X: pd.DataFrame) -> dict[str, np.ndarray]:
        """:func:`automl.export.onnx_feed`, with string columns as object arrays (onnxruntime
        takes them as they are; a numpy unicode copy would cost a third of the scoring time)."""
        from automl.export import onnx_feed

        X = require_columns(X, self.columns, select=False)  # onnx_feed reads the columns it needs
        return onnx_feed(X, self.kinds, object_strings=True)

    def _run(self, X: pd.DataFrame) -> dict[str, np.ndarray]:
        """The graph's outputs for the raw rows ``X``."""
        if len(X) == 0:  # onnxruntime's kernels refuse empty tensors: the outputs of no rows
            return {o.name: np.empty((0, *[d if isinstance(d, int) else len(self.classes or ()) for d in o.shape[1:]]),
                                     dtype=_ONNX_DTYPES.get(o.type, np.float32)) for o in self._session.get_outputs()}
        return self.run(self._feed(X))

    def run(self, feed: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """The graph's outputs for a feed of at least one row (:func:`automl.export.onnx_feed`),
        computed :attr:`rows_per_run` rows at a time: the intermediate tensors of a whole mini
        batch would cost memory and cache misses (a KNN's distances to every training row most)."""
        from automl.export import run_in_parts

        return dict(zip(self._outputs, run_in_parts(self._session, feed, self.rows_per_run)))

    def labels_and_probabilities(self, out: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray | None]:
        """Labels (or values) and class probabilities (None for regression) of :meth:`run`'s outputs."""
        if not self.probabilities:
            return np.asarray(out["variable"]).ravel(), None
        return np.asarray(out["label"]).ravel(), np.asarray(out["probabilities"])

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Labels (classification) or values (regression)."""
        return self.labels_and_probabilities(self._run(X))[0]

    def predict_both(self, X: pd.DataFrame) -> tuple[np.ndarray, np.ndarray | None]:
        """Labels and probabilities in one run of the graph."""
        return self.labels_and_probabilities(self._run(X))

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Class probabilities."""
        return self.predict_both(X)[1]


def _onnx_scorer(graph: bytes, threads: int | None) -> OnnxScorer:
    """An :class:`OnnxScorer` again from its pickled graph."""
    return OnnxScorer(graph, threads=threads)


class PythonScorer:
    """A fitted scikit-learn pipeline that takes raw rows (``result.best_model``)."""

    kind = "python"

    def __init__(self, model: Any) -> None:
        self.model = model
        names = getattr(model, "feature_names_in_", None)
        if names is None and hasattr(model, "steps"):
            names = getattr(model.steps[0][1], "feature_names_in_", None)
        self.columns = [str(c) for c in names] if names is not None else []
        classes = getattr(model, "classes_", None)
        self.classes = list(classes) if classes is not None else None
        #: Whether the model is a classifier: it has classes and predicts their probabilities.
        self.probabilities = self.classes is not None

    def _rows(self, X: pd.DataFrame) -> pd.DataFrame:
        return require_columns(X, self.columns) if self.columns else X

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """Labels (classification) or values (regression)."""
        return np.asarray(self.model.predict(self._rows(X))).ravel()

    def predict_both(self, X: pd.DataFrame) -> tuple[np.ndarray, np.ndarray | None]:
        """Labels and probabilities (the labels follow the probabilities, as ``predict`` does)."""
        rows = self._rows(X)
        if not self.probabilities:
            return np.asarray(self.model.predict(rows)).ravel(), None
        proba = np.asarray(self.model.predict_proba(rows))
        return np.asarray(self.classes, dtype=object)[proba.argmax(axis=1)], proba

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Class probabilities."""
        return np.asarray(self.model.predict_proba(self._rows(X)))


def _flavors(folder: Path) -> dict:
    import yaml

    return (yaml.safe_load((folder / MLMODEL).read_text(encoding="utf-8")) or {}).get("flavors", {})


def _from_mlflow_folder(folder: Path, threads: int | None) -> Scorer:
    flavors = _flavors(folder)
    if "onnx" in flavors:
        return OnnxScorer(folder / flavors["onnx"]["data"], threads=threads)
    if "sklearn" in flavors:
        import mlflow.sklearn

        return PythonScorer(mlflow.sklearn.load_model(str(folder)))
    raise ConfigError(f"the MLflow model in '{folder}' has neither the onnx nor the sklearn flavour "
                      f"(it has {', '.join(flavors) or 'none'}); automl predict scores automl-studio models.")


def is_model_uri(reference: str) -> bool:
    """Whether ``reference`` is an MLflow model URI (``models:/...``, ``runs:/...``, ``s3://...``)."""
    return "://" in reference or reference.startswith(("models:", "runs:"))


@contextmanager
def download_model(uri: str) -> Iterator[Path]:
    """The MLflow model at ``uri`` (``models:/...``, ``runs:/...``), downloaded from the tracking store
    into a temporary folder that is removed on exit; yields the folder holding its MLmodel file.

    (MLflow's own default, for a tracking server, is a new temporary folder that nothing removes:
    each ``automl predict`` or ``automl serve`` of a model registered on a server left a copy of it
    in ``/tmp``.)
    """
    with tempfile.TemporaryDirectory(prefix="automl-model-") as folder:
        yield _download(uri, folder)


def _download(uri: str, folder: str) -> Path:
    """Download the MLflow model at ``uri`` into ``folder``; a model that is not there is a ConfigError."""
    import mlflow

    from automl.tracking import resolve_tracking_uri, using_tracking_uri

    tracking = resolve_tracking_uri()
    shown = os.environ.get(_PROGRESS_BAR)
    os.environ[_PROGRESS_BAR] = "false"  # no progress bar in a command's or a server's output
    try:
        with using_tracking_uri(tracking):
            return Path(mlflow.artifacts.download_artifacts(artifact_uri=uri, dst_path=folder))
    except Exception as exc:  # MLflow raises several kinds for a missing model
        raise ConfigError(f"cannot load the model {uri!r} from the MLflow store {tracking}: "
                          f"{type(exc).__name__}: {str(exc)[:300]}. List the registered models with "
                          "`automl models list`; set MLFLOW_TRACKING_URI if they live elsewhere.") from None
    finally:
        if shown is None:
            os.environ.pop(_PROGRESS_BAR, None)
        else:
            os.environ[_PROGRESS_BAR] = shown


def load_scorer(model: Any, *, threads: int | None = None) -> Scorer:
    """The scorer of a model reference.

    Parameters
    ----------
    model : str, path, Pipeline or Scorer
        ``models:/NAME/VERSION`` (or any MLflow model URI such as ``runs:/...``),
        a saved MLflow model folder, a ``.onnx`` file, or a fitted pipeline.
    threads : int, optional
        onnxruntime intra-op threads of an ONNX model.

    Returns
    -------
    OnnxScorer or PythonScorer

    Raises
    ------
    ConfigError
        The reference names nothing loadable (the message says what was expected).
    """
    if hasattr(model, "predict_both"):
        return model
    if hasattr(model, "predict") and not isinstance(model, (str, os.PathLike)):
        return PythonScorer(model)
    text = os.fspath(model)
    if is_model_uri(text):
        with download_model(text) as folder:  # the scorer holds the model
            return _from_mlflow_folder(folder, threads)
    path = Path(text)
    if path.is_file() and path.suffix.lower() == ".onnx":
        return OnnxScorer(path, threads=threads)
    if path.is_dir() and (path / MLMODEL).is_file():
        return _from_mlflow_folder(path, threads)
    if path.is_file() and path.name == MLMODEL:
        return _from_mlflow_folder(path.parent, threads)
    what = "does not exist" if not path.exists() else "is neither a .onnx file nor an MLflow model folder"
    raise ConfigError(f"--model '{text}' {what}. Give models:/NAME/VERSION, a saved model folder "
                      "(holding an MLmodel file) or a model.onnx file.")
