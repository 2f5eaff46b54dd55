"""TF-IDF in double precision, as scikit-learn computes it.

skl2onnx's TF-IDF converter weighs and normalises term counts in float32, so
its features differ from scikit-learn's float64 ones in the last bit; a tree
whose split value is one of those features (XGBoost's histogram cuts are) then
sends the row the other way. Here the term counts (exact integers) come from
skl2onnx's count-vectorizer converter, tokenised with the options
:func:`automl.export._convert.to_onnx` sets, and the idf weights, sublinear tf
and norm are applied in double.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from automl.export._ops import TensorProto, constant, node

ALIAS = "AutoMLTfidfTermVectorizer"
#: The options of skl2onnx's text converters.
OPTIONS = {"tokenexp": None, "separators": None, "nan": [True, False],
           "keep_empty_string": [True, False], "locale": None}


def parse_tfidf(scope: Any, model: Any, inputs: list, custom_parsers: Any = None) -> list:
    """Declare the TF-IDF features as double."""
    from skl2onnx.common.data_types import DoubleTensorType

    operator = scope.declare_local_operator(ALIAS, model)
    operator.inputs = inputs
    operator.outputs.append(scope.declare_local_variable("tfidf", DoubleTensorType()))
    return operator.outputs


def shape_tfidf(operator: Any) -> None:
    """``[N, vocabulary size]`` doubles."""
    from skl2onnx.common.data_types import DoubleTensorType

    columns = max(operator.raw_operator.vocabulary_.values()) + 1
    operator.outputs[0].type = DoubleTensorType([None, columns])


def _normalise(scope: Any, container: Any, x: str, norm: str) -> str:
    """Rows divided by their l1 or l2 norm; rows of norm 0 unchanged (``sklearn.preprocessing.normalize``)."""
    if norm == "l2":
        norms = node(scope, container, "Sqrt", [node(scope, container, "ReduceSumSquare", [x],
                                                       axes=[1], keepdims=1)])
    else:
        axis = constant(scope, container, "axis", TensorProto.INT64, [1])
        norms = node(scope, container, "ReduceSum", [node(scope, container, "Abs", [x]), axis], keepdims=1)
    zero = constant(scope, container, "zero", TensorProto.DOUBLE, [0.0])
    one = constant(scope, container, "one", TensorProto.DOUBLE, [1.0])
    is_zero = node(scope, container, "Equal", [norms, zero])
    safe = node(scope, container, "Where", [is_zero, one, norms])
    return node(scope, container, "Div", [x, safe])


def convert_tfidf(scope: Any, operator: Any, container: Any) -> None:
    """Counts from skl2onnx's count vectorizer, then tf-idf weighting and norm in double."""
    from skl2onnx._supported_operators import sklearn_operator_name_map
    from skl2onnx.common.data_types import FloatTensorType
    from sklearn.feature_extraction.text import CountVectorizer

    op = operator.raw_operator
    columns = max(op.vocabulary_.values()) + 1
    counter = scope.declare_local_operator(sklearn_operator_name_map[CountVectorizer], op)
    counter.inputs = operator.inputs
    counts = scope.declare_local_variable("counts", FloatTensorType([None, columns]))
    counter.outputs.append(counts)  # float32 counts are exact integers
    x = node(scope, container, "Cast", [counts.full_name], to=TensorProto.DOUBLE)
    if op.sublinear_tf:  # tf = 1 + log(tf) where tf > 0
        zero = constant(scope, container, "zero", TensorProto.DOUBLE, [0.0])
        one = constant(scope, container, "one", TensorProto.DOUBLE, [1.0])
        positive = node(scope, container, "Greater", [x, zero])
        safe = node(scope, container, "Where", [positive, x, one])
        logged = node(scope, container, "Add", [node(scope, container, "Log", [safe]), one])
        x = node(scope, container, "Where", [positive, logged, zero])
    if op.use_idf:
        idf = constant(scope, container, "idf", TensorProto.DOUBLE, np.asarray(op.idf_, dtype=np.float64))
        x = node(scope, container, "Mul", [x, idf])
    if op.norm in ("l1", "l2"):
        x = _normalise(scope, container, x, op.norm)
    container.add_node("Identity", [x], [operator.outputs[0].full_name],
                       name=scope.get_unique_operator_name("Identity"))
