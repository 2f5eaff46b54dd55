"""Export-only steps put in the converted copy of a model (see :mod:`automl.export._adapt`).

None of them is ever fitted or used to predict in Python: each exists to be
converted, by the converter next to it.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from automl.export._ops import TensorProto, constant, fill_empty, n_inputs, node, set_output, single_input


class StringImputation(TransformerMixin, BaseEstimator):
    """Replaces a fitted string ``SimpleImputer``: fills ``""`` (a missing category) per column.

    skl2onnx's own imputer converter needs string ``missing_values`` and types its
    output as float.
    """

    def __init__(self, values=()) -> None:
        self.values = [str(v) for v in values]


class NumericImputation(TransformerMixin, BaseEstimator):
    """Replaces a fitted numeric ``SimpleImputer``: ``Where(IsNaN(x), statistics, x)`` in double.

    onnxruntime's ``Imputer`` takes float32 only.
    """

    def __init__(self, values=()) -> None:
        self.values = [float(v) for v in values]


class Float32Features(TransformerMixin, BaseEstimator):
    """Put before a tree learner: its features as float32, the type its split values are compared in."""


class ZerosAsMissing(TransformerMixin, BaseEstimator):
    """Put before XGBoost trained on sparse features: zeros become ``NaN``.

    XGBoost reads the entries a sparse matrix does not store as missing values;
    the converted graph is dense.
    """


def _shape_same(kind: str):
    return lambda operator: set_output(operator, kind, n_inputs(operator))


def _convert_string_imputation(scope: Any, operator: Any, container: Any) -> None:
    x = single_input(scope, operator, container)
    fill_empty(scope, container, x, operator.raw_operator.values, operator.outputs[0].full_name)


def _convert_numeric_imputation(scope: Any, operator: Any, container: Any) -> None:
    x = single_input(scope, operator, container)
    missing = node(scope, container, "IsNaN", [x])
    fills = constant(scope, container, "fills", TensorProto.DOUBLE, [operator.raw_operator.values])
    node(scope, container, "Where", [missing, fills, x], output=operator.outputs[0].full_name)


def _parse_float(scope: Any, model: Any, inputs: list, custom_parsers: Any = None) -> list:
    """Declare a float output at parse time: the learner after it types its outputs from it."""
    from skl2onnx.common.data_types import FloatTensorType

    operator = scope.declare_local_operator(_ALIASES[type(model)], model)
    operator.inputs = inputs
    operator.outputs.append(scope.declare_local_variable("float32_features", FloatTensorType()))
    return operator.outputs


def _convert_float32(scope: Any, operator: Any, container: Any) -> None:
    x = single_input(scope, operator, container)
    node(scope, container, "Cast", [x], output=operator.outputs[0].full_name, to=TensorProto.FLOAT)


def _convert_zeros_as_missing(scope: Any, operator: Any, container: Any) -> None:
    x = single_input(scope, operator, container)
    zero = constant(scope, container, "zero", TensorProto.FLOAT, [0.0])
    nan = constant(scope, container, "nan", TensorProto.FLOAT, [np.nan])
    is_zero = node(scope, container, "Equal", [x, zero])
    node(scope, container, "Where", [is_zero, nan, x], output=operator.outputs[0].full_name)


_ALIASES = {Float32Features: "AutoMLFloat32Features", ZerosAsMissing: "AutoMLZerosAsMissing"}

#: (class, alias, shape calculator, converter, parser)
CONVERTERS = [
    (StringImputation, "AutoMLStringImputation", _shape_same("string"), _convert_string_imputation, None),
    (NumericImputation, "AutoMLNumericImputation", _shape_same("double"), _convert_numeric_imputation,
     None),
    (Float32Features, _ALIASES[Float32Features], _shape_same("float"), _convert_float32, _parse_float),
    (ZerosAsMissing, _ALIASES[ZerosAsMissing], _shape_same("float"), _convert_zeros_as_missing,
     _parse_float),
]
