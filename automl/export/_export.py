"""Export = convert + check on validation rows + write; and which rows to check on."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from automl.core import release_freed_memory
from automl.errors import AutoMLError, ConfigError
from automl.export._check import OnnxCheck, check_onnx, rows_per_run
from automl.export._convert import to_onnx

if TYPE_CHECKING:
    from automl.engine import AutoMLResult

@dataclass
class OnnxExport:
    """A converted model and its parity check.

    The graph is held serialised: parsed, an ONNX graph of tree ensembles takes about six times
    its bytes (a 46 MB vote of bagged boosters: 270 MB), which would sit beside onnxruntime's
    session of it.

    Attributes
    ----------
    graph : bytes
        The serialised ``onnx.ModelProto`` (what onnxruntime and :meth:`save` take).
    input_kinds : dict of str to str
        Kind of each graph input (``float``, ``string``, ``datetime``).
    check : OnnxCheck
        Figures of the comparison with the Python model.
    path : pathlib.Path or None
        Where the graph was written.
    rows_per_run : int or None
        Rows one onnxruntime run should take at most (a KNN's distances to every training row,
        :func:`~automl.export.rows_per_run`); None: no bound.
    """

    graph: bytes
    input_kinds: dict[str, str]
    check: OnnxCheck
    path: Path | None = None
    rows_per_run: int | None = None

    @property
    def model(self) -> Any:
        """The graph as an ``onnx.ModelProto``, parsed anew on each access."""
        import onnx

        return onnx.load_model_from_string(self.graph)

    def save(self, path: str | Path) -> Path:
        """Write the graph to ``path`` (folders created); return the path."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(self.graph)
        self.path = path
        return path


def export_onnx(model: Any, path: str | Path | None, X: pd.DataFrame, *,
                strict: bool = True, name: str = "automl") -> OnnxExport:
    """Convert ``model``, check it on the raw rows ``X``, and write it to ``path``.

    Parameters
    ----------
    model : Pipeline
        A fitted pipeline taking raw rows (``result.best_model``).
    path : str or Path or None
        Where to write the graph; None writes nothing.
    X : DataFrame
        Raw validation rows to check the graph on.
    strict : bool, default=True
        Raise instead of writing a graph that fails the check.
    name : str
        Graph name.

    Returns
    -------
    OnnxExport

    Raises
    ------
    ConfigError
        The model does not convert (the message names the step).
    AutoMLError
        ``strict`` and the graph does not match the Python model.
    """
    if X is None or len(X) == 0:
        raise ConfigError("export_onnx needs raw validation rows to check the graph against the "
                          "Python model; pass X=<DataFrame of raw rows>.")
    onnx_model, kinds = to_onnx(model, X, name=name)
    graph, rows = onnx_model.SerializeToString(), rows_per_run(onnx_model)
    del onnx_model  # the parsed graph goes before onnxruntime loads the check's session
    release_freed_memory()
    exported = OnnxExport(graph, kinds, check_onnx(model, graph, kinds, X, rows), rows_per_run=rows)
    if strict and not exported.check.passed:
        raise AutoMLError(f"The ONNX graph does not match the Python model on validation rows "
                          f"({exported.check}); it was not written.")
    if path is not None:
        exported.save(path)
    return exported


def convert_result(result: AutoMLResult, path: str | Path | None = None, X: pd.DataFrame | None = None,
                   *, strict: bool = False) -> OnnxExport:
    """:func:`export_onnx` of a job result's best model, checked on its validation rows."""
    if result.best_model is None:
        raise ConfigError(f"Job {result.name!r} has no model to export (status {result.status}).")
    rows = X if X is not None else result.check_rows
    return export_onnx(result.best_model, path, rows, strict=strict, name=result.name)
