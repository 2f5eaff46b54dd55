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
from automl.export._check import MAX_DIFFERENCE, MIN_AGREEMENT, OnnxCheck, check_onnx, session
from automl.export._convert import LABEL, PROBABILITIES, VALUE, check_convertible, to_onnx
from automl.export._converters import register_converters
from automl.export._export import OnnxExport, convert_result, export_onnx
from automl.export._inputs import MISSING_STRING, PLAIN_PATH_ROWS, graph_input_names, input_kinds, onnx_feed, plain_feed

__all__ = [
    "LABEL", "MAX_DIFFERENCE", "MIN_AGREEMENT", "MISSING_STRING", "PLAIN_PATH_ROWS", "PROBABILITIES", "VALUE",
    "OnnxCheck", "OnnxExport", "check_convertible", "check_onnx", "convert_result", "export_onnx",
    "graph_input_names", "input_kinds", "onnx_feed", "plain_feed", "register_converters", "session", "to_onnx",
]
