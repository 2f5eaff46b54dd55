"""ONNX export: one graph from raw columns to predictions, checked against the Python model.

>>> from automl.export import export_onnx                     # doctest: +SKIP
>>> exported = export_onnx(result.best_model, "model.onnx", X_valid)
>>> exported.check.passed
True

The graph has one input per raw column (see :func:`input_kinds`; feed raw rows
with :func:`onnx_feed`) and the outputs ``label`` and ``probabilities``
(classification) or ``variable`` (regression). Converters for the featurizers'
transformers, LightGBM and XGBoost are registered with skl2onnx on first use.
"""
from automl.export._check import (MAX_DIFFERENCE, MIN_AGREEMENT, RUN_MEMORY_BYTES, OnnxCheck, check_onnx, rows_per_run,
                                  run_in_parts, session)
from automl.export._convert import LABEL, PROBABILITIES, VALUE, check_convertible, to_onnx
from automl.export._converters import register_converters
from automl.export._export import OnnxExport, convert_result, export_onnx
from automl.export._inputs import MISSING_STRING, PLAIN_PATH_ROWS, graph_input_names, input_kinds, onnx_feed, plain_feed

__all__ = [
    "LABEL", "MAX_DIFFERENCE", "MIN_AGREEMENT", "MISSING_STRING", "PLAIN_PATH_ROWS", "PROBABILITIES", "RUN_MEMORY_BYTES",
    "VALUE", "OnnxCheck", "OnnxExport", "check_convertible", "check_onnx", "convert_result", "export_onnx",
    "graph_input_names", "input_kinds", "onnx_feed", "plain_feed", "register_converters", "rows_per_run",
    "run_in_parts", "session", "to_onnx",
]
