"""Small helpers to add ONNX nodes from skl2onnx converters (no onnx import needed)."""
from __future__ import annotations

from typing import Any

import numpy as np


class TensorProto:
    """ONNX element types (``onnx.TensorProto`` values), without importing onnx."""

    FLOAT, INT64, STRING, BOOL, DOUBLE = 1, 7, 8, 9, 11


def node(scope: Any, container: Any, op_type: str, inputs: list[str], output: str | None = None,
         **attrs: Any) -> str:
    """Add one node; return the name of its (single) output."""
    output = output or scope.get_unique_variable_name(op_type.lower())
    container.add_node(op_type, inputs, [output], name=scope.get_unique_operator_name(op_type), **attrs)
    return output


def constant(scope: Any, container: Any, name: str, proto_type: int, values: Any) -> str:
    """Add an initializer holding ``values`` (its shape kept); return its name."""
    values = np.asarray(values)
    var = scope.get_unique_variable_name(name)
    if proto_type == TensorProto.STRING:
        flat = [str(v).encode("utf-8") for v in values.ravel()]
    else:
        flat = values.ravel().tolist()
    container.add_initializer(var, proto_type, list(values.shape), flat)
    return var


def single_input(scope: Any, operator: Any, container: Any) -> str:
    """One tensor holding every input of ``operator`` (concatenated along axis 1)."""
    names = [v.full_name for v in operator.inputs]
    return names[0] if len(names) == 1 else node(scope, container, "Concat", names, axis=1)


def n_inputs(operator: Any) -> int | None:
    """Total width of the inputs of ``operator`` (None when unknown)."""
    dims = [v.type.shape[1] if len(v.type.shape) > 1 else 1 for v in operator.inputs]
    return None if any(d is None for d in dims) else int(sum(dims))


def set_output(operator: Any, kind: str, width: int | None) -> None:
    """Type the output of ``operator``: ``kind`` is ``"double"``, ``"float"`` or ``"string"``."""
    from skl2onnx.common.data_types import DoubleTensorType, FloatTensorType, StringTensorType

    types = {"double": DoubleTensorType, "float": FloatTensorType, "string": StringTensorType}
    operator.outputs[0].type = types[kind]([None, width])


def fill_empty(scope: Any, container: Any, x: str, fills: list[str], output: str) -> str:
    """``output`` = ``fills`` (one per column, or one for all) where ``x == ""``, else ``x``."""
    empty = node(scope, container, "LabelEncoder", [x], op_domain="ai.onnx.ml", op_version=2,
                 keys_strings=[""], values_int64s=[1], default_int64=0)
    where = node(scope, container, "Cast", [empty], to=TensorProto.BOOL)
    values = constant(scope, container, "fills", TensorProto.STRING, np.asarray([fills], dtype=object))
    return node(scope, container, "Where", [where, values, x], output=output)
