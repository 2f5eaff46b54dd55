"""Check an exported graph against the Python model with onnxruntime.

Classification passes when the probabilities differ by at most ``1e-4`` on
every row and the labels agree on at least 99.9% of rows. Regression passes
when every value differs by at most ``1e-4`` relative to its size (values below
1 in absolute terms count as 1) on at least 99.9% of rows. The figures are kept
either way.
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from automl.core import release_freed_memory, return_large_blocks_on_free
from automl.export._convert import LABEL, PROBABILITIES, VALUE
from automl.export._inputs import onnx_feed

if TYPE_CHECKING:
    import onnx
    import onnxruntime as ort

#: What one onnxruntime run may hold in the distance matrices of k-nearest neighbours (``CDist``: every row
#: against every training row): :func:`rows_per_run` sizes the runs to it.
RUN_MEMORY_BYTES = 256 * 2**20
#: Copies of a distance matrix a run holds at once (the distances, their transform, the ``TopK`` input).
DISTANCE_COPIES = 3
#: Largest accepted difference of a probability (or relative difference of a value).
MAX_DIFFERENCE = 1e-4
#: Smallest accepted share of rows with equal labels (or values within tolerance).
MIN_AGREEMENT = 0.999


@dataclass
class OnnxCheck:
    """The figures of one parity check.

    Attributes
    ----------
    compared : {"probabilities", "values"}
        What was compared: a classifier's probabilities and labels, or a regressor's values.
    rows : int
        Validation rows compared.
    max_abs_difference : float
        Largest absolute difference of a probability (classification) or value (regression).
    max_relative_difference : float or None
        Regression only: largest ``|diff| / max(1, |value|)``.
    agreement : float
        Share of rows with equal labels (classification) or values within tolerance.
    passed : bool
    python_seconds, onnx_seconds : float
        Time to predict the rows with each runtime.
    """

    compared: str
    rows: int
    max_abs_difference: float
    agreement: float
    passed: bool
    max_relative_difference: float | None = None
    python_seconds: float = 0.0
    onnx_seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """The figures as plain data."""
        return asdict(self)

    def metrics(self) -> dict[str, float]:
        """The figures as MLflow metrics (``onnx_check_*``)."""
        out = {"onnx_check_rows": float(self.rows),
               "onnx_check_max_abs_difference": float(self.max_abs_difference),
               "onnx_check_agreement": float(self.agreement),
               "onnx_check_passed": float(self.passed)}
        if self.max_relative_difference is not None:
            out["onnx_check_max_relative_difference"] = float(self.max_relative_difference)
        return out

    def __str__(self) -> str:
        what = "labels" if self.compared == PROBABILITIES else "values"
        return (f"{self.rows} rows, max abs difference {self.max_abs_difference:.3g}, "
                f"{what} agree on {100 * self.agreement:.2f}% ({'passed' if self.passed else 'FAILED'})")


def _abs_difference(a: Any, b: Any) -> np.ndarray:
    """``|a - b|``; 0 where both are NaN, infinity where only one is."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float).reshape(np.shape(a))
    diff = np.abs(a - b)
    both = np.isnan(a) & np.isnan(b)
    return np.where(both, 0.0, np.where(np.isnan(diff), np.inf, diff))


def _same_labels(python: np.ndarray, onnx: np.ndarray) -> np.ndarray:
    python, onnx = np.asarray(python).ravel(), np.asarray(onnx).ravel()
    if python.dtype.kind in "iub" and onnx.dtype.kind in "iub":
        return python.astype(np.int64) == onnx.astype(np.int64)
    if python.dtype.kind == "f" and onnx.dtype.kind in "iuf":
        return python == onnx.astype(python.dtype)
    return python.astype(str) == onnx.astype(str)


def session(onnx_model: onnx.ModelProto | bytes, *, threads: int | None = None) -> ort.InferenceSession:
    """An onnxruntime CPU session for ``onnx_model``.

    Parameters
    ----------
    onnx_model : onnx.ModelProto or bytes
        The graph or its bytes.
    threads : int, optional
        Intra-op threads (default: onnxruntime's choice).
    """
    import onnxruntime as ort

    return_large_blocks_on_free()  # a run's node outputs would otherwise fragment the heap
    options = ort.SessionOptions()
    options.log_severity_level = 3
    options.enable_cpu_mem_arena = False  # the arena keeps a batch's peak: 10,000 rows of a vote, 100 MB
    if threads:
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
    graph = onnx_model if isinstance(onnx_model, bytes) else onnx_model.SerializeToString()
    return ort.InferenceSession(graph, options, providers=["CPUExecutionProvider"])


def rows_per_run(onnx_model: onnx.ModelProto, memory_bytes: int | None = None) -> int | None:
    """Rows one run of ``onnx_model`` may take for its distance matrices to stay within ``memory_bytes``
    (default :data:`RUN_MEMORY_BYTES`); None when it computes none (no bound).

    A k-nearest-neighbours model computes the distance of each row to every training row (a ``CDist`` node
    whose reference is the training matrix): a run of 10,000 rows against 100,000 training rows held 8.8 GB,
    where scikit-learn computes its distances a chunk of rows at a time.
    """
    import onnx

    initializers = {i.name: i for i in onnx_model.graph.initializer}
    per_row = 0
    for node in onnx_model.graph.node:
        if node.op_type != "CDist":
            continue
        for name in node.input:
            reference = initializers.get(name)
            if reference is not None and len(reference.dims) == 2:
                itemsize = onnx.helper.tensor_dtype_to_np_dtype(reference.data_type).itemsize
                per_row += DISTANCE_COPIES * int(reference.dims[0]) * itemsize
    return max(1, (memory_bytes or RUN_MEMORY_BYTES) // per_row) if per_row else None


def run_in_parts(sess: ort.InferenceSession, feed: dict[str, np.ndarray], rows: int) -> list[np.ndarray]:
    """``sess.run(None, feed)`` (a feed of at least one row) ``rows`` rows at a time, each output's parts joined."""
    n = len(next(iter(feed.values())))
    parts = [sess.run(None, {k: v[start:start + rows] for k, v in feed.items()}) for start in range(0, n, rows)]
    return parts[0] if len(parts) == 1 else [np.concatenate([p[i] for p in parts]) for i in range(len(parts[0]))]


def predicts_probabilities(model: Any) -> bool:
    """Whether ``model`` is a classifier: it has classes and predicts their probabilities."""
    return hasattr(model, "classes_") and hasattr(model, "predict_proba")


def _onnx_outputs(onnx_model: Any, kinds: dict[str, str], X: pd.DataFrame,
                  rows: int | None) -> tuple[dict[str, np.ndarray], float]:
    """The graph's outputs for ``X`` by name, ``rows`` rows per run (all at once: None), and the seconds they
    took; the session is gone on return."""
    sess = session(onnx_model)
    feed = onnx_feed(X, kinds)
    started = time.perf_counter()
    outputs = dict(zip([o.name for o in sess.get_outputs()],
                       run_in_parts(sess, feed, rows or len(X)) if len(X) else sess.run(None, feed)))
    return outputs, time.perf_counter() - started


def check_onnx(model: Any, onnx_model: Any, kinds: dict[str, str], X: pd.DataFrame,
               rows: int | None = None) -> OnnxCheck:
    """Predict ``X`` with both runtimes and compare (see the module docstring); the graph runs ``rows`` rows at a
    time (:func:`rows_per_run`; None: all at once)."""
    outputs, onnx_seconds = _onnx_outputs(onnx_model, kinds, X, rows)
    release_freed_memory()  # the session (several times the graph's size) goes before the model predicts
    started = time.perf_counter()
    if predicts_probabilities(model):
        proba = np.asarray(model.predict_proba(X), dtype=float)
        labels = np.asarray(model.predict(X))
        python_seconds = time.perf_counter() - started
        diff = _abs_difference(proba, outputs[PROBABILITIES])
        max_diff = float(diff.max()) if diff.size else 0.0
        agreement = float(_same_labels(labels, outputs[LABEL]).mean()) if len(labels) else 1.0
        passed = max_diff <= MAX_DIFFERENCE and agreement >= MIN_AGREEMENT
        return OnnxCheck(PROBABILITIES, len(X), max_diff, agreement, bool(passed),
                         python_seconds=python_seconds, onnx_seconds=onnx_seconds)
    values = np.asarray(model.predict(X), dtype=float).ravel()
    python_seconds = time.perf_counter() - started
    diff = _abs_difference(values, np.asarray(outputs[VALUE]).ravel())
    relative = diff / np.maximum(1.0, np.abs(values))
    agreement = float((relative <= MAX_DIFFERENCE).mean()) if len(values) else 1.0
    return OnnxCheck("values", len(X), float(diff.max()) if diff.size else 0.0, agreement,
                     bool(agreement >= MIN_AGREEMENT),
                     max_relative_difference=float(relative.max()) if relative.size else 0.0,
                     python_seconds=python_seconds, onnx_seconds=onnx_seconds)
