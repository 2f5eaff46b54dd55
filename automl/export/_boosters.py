"""The boosters' converters, registered with skl2onnx: onnxmltools' for LightGBM and XGBoost, and
CatBoost's own ONNX export (which onnxmltools' ``convert_catboost`` wraps) for CatBoost.

LightGBM compares double features with double split values in Python, so its trees are converted in
double: onnxmltools writes a tree ensemble's split values and leaf weights as float32 attributes, and a
row whose value lies between a split value and its float32 rounding would take the other branch in the
graph. :class:`_DoubleTrees` writes them as double tensors instead (``ai.onnx.ml`` opset 3), and the
trees take the double features as they are. Their outputs stay float32, as the ONNX operators define.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from automl.errors import ConfigError

CLASSIFIER_OPTIONS = {"nocl": [True, False], "zipmap": [True, False, "columns"]}


def _convert_xgboost_labels(scope: Any, operator: Any, container: Any) -> None:
    """XGBoost's converter, labelled with the original classes of ``XGBoostLabelClassifier``.

    onnxmltools takes the labels of the tree ensemble from ``classes_``, which
    this subclass answers with its label encoder's classes: the booster's
    outputs ``0 .. k-1`` come out as the labels the model was trained on.
    ONNX labels are integers or strings.
    """
    from onnxmltools.convert.xgboost.operator_converters.XGBoost import convert_xgboost

    classes = np.asarray(operator.raw_operator.classes_)
    if classes.dtype.kind == "f" and not np.all(classes == np.round(classes)):
        raise ConfigError("ONNX export: an XGBoostClassifier trained on fractional float labels "
                          "cannot be converted (ONNX labels are integers or strings). Encode the "
                          "target as integers or strings, or block XGBoostClassifier.")
    convert_xgboost(scope, operator, container)


def _catboost_tree_node(model: Any, target_opset: int) -> Any:
    """The single ``TreeEnsemble*`` node of CatBoost's own ONNX export of ``model``."""
    from onnxmltools.convert import convert_catboost

    onx = convert_catboost(model, name="catboost")
    nodes = [n for n in onx.graph.node if n.op_type != "ZipMap"]
    opsets = {o.domain: o.version for o in onx.opset_import}
    if len(nodes) != 1 or not nodes[0].op_type.startswith("TreeEnsemble") or len(onx.graph.initializer):
        raise ConfigError("ONNX export: CatBoost's ONNX export of this model is not a single tree "
                          f"ensemble ({', '.join(n.op_type for n in onx.graph.node)}); block "
                          f"{type(model).__name__} to export the job's model.")
    if opsets.get("", 0) > target_opset:
        raise ConfigError(f"ONNX export: CatBoost wrote opset {opsets['']}, newer than the export's "
                          f"{target_opset}.")
    return nodes[0], opsets.get(nodes[0].domain)


def _parse_catboost_classifier(scope: Any, model: Any, inputs: list, custom_parsers: Any = None) -> list:
    """Declare a CatBoost classifier's two outputs (the shape calculator types the label from
    ``classes_``: integers or strings)."""
    from skl2onnx._parse import _apply_zipmap
    from skl2onnx.common.data_types import FloatTensorType, Int64TensorType

    operator = scope.declare_local_operator("AutoMLCatBoostClassifier", model)
    operator.inputs = inputs
    operator.outputs.append(scope.declare_local_variable("label", Int64TensorType()))
    operator.outputs.append(scope.declare_local_variable("probabilities", FloatTensorType()))
    zipmap = scope.get_options(model, {"zipmap": True})["zipmap"]
    if zipmap is False:
        return operator.outputs
    return _apply_zipmap(zipmap, scope, model, inputs[0].type, operator.outputs)


def _convert_catboost(scope: Any, operator: Any, container: Any) -> None:
    """CatBoost's tree ensemble node, added to the pipeline's graph on the step's input.

    CatBoost labels the classes with the labels it was trained on, as the other classifiers'
    converters do; its export takes integer and string labels only.
    """
    model = operator.raw_operator
    classes = getattr(model, "classes_", None)  # a regressor has none
    if classes is not None and np.asarray(classes).dtype.kind == "f":
        raise ConfigError("ONNX export: a CatBoostClassifier trained on float labels cannot be "
                          "converted (CatBoost exports integer or string labels only). Encode the "
                          "target as integers or strings, or block CatBoostClassifier.")
    from onnx.helper import get_attribute_value

    tree, version = _catboost_tree_node(model, container.target_opset)
    attributes = {a.name: get_attribute_value(a) for a in tree.attribute}
    container.add_node(tree.op_type, [operator.inputs[0].full_name],
                       [o.full_name for o in operator.outputs], op_domain=tree.domain, op_version=version,
                       name=scope.get_unique_operator_name(tree.op_type), **attributes)


#: Float attributes of ``TreeEnsembleClassifier`` / ``TreeEnsembleRegressor`` and their double forms.
_AS_TENSOR = {"nodes_values": "nodes_values_as_tensor", "class_weights": "class_weights_as_tensor",
              "target_weights": "target_weights_as_tensor", "base_values": "base_values_as_tensor"}


class _DoubleTrees:
    """A skl2onnx container whose tree ensemble nodes keep their split values and weights in double."""

    def __init__(self, container: Any) -> None:
        self._container = container

    def __getattr__(self, name: str) -> Any:
        return getattr(self._container, name)

    def add_node(self, op_type: str, inputs: Any, outputs: Any, op_domain: str = "", op_version: int | None = None,
                 **attributes: Any) -> Any:
        if op_type in ("TreeEnsembleClassifier", "TreeEnsembleRegressor"):
            from onnx import numpy_helper

            for name, tensor in _AS_TENSOR.items():
                if name in attributes:
                    values = np.asarray(attributes.pop(name), dtype=np.float64)
                    attributes[tensor] = numpy_helper.from_array(values, name=tensor)
            op_version = 3
        return self._container.add_node(op_type, inputs, outputs, op_domain=op_domain, op_version=op_version,
                                        **attributes)


def _convert_lightgbm_in_double(scope: Any, operator: Any, container: Any) -> None:
    """onnxmltools' LightGBM converter, its trees in double (see the module docstring)."""
    from onnxmltools.convert.lightgbm.operator_converters.LightGbm import convert_lightgbm

    convert_lightgbm(scope, operator, _DoubleTrees(container))


def _float_outputs(calculate: Callable[[Any], None]) -> Callable[[Any], None]:
    """``calculate``, with double outputs declared float32: a tree ensemble's outputs are float32."""
    from skl2onnx.common.data_types import DoubleTensorType, FloatTensorType

    def calculate_float_outputs(operator: Any) -> None:
        calculate(operator)
        for output in operator.outputs:
            if isinstance(output.type, DoubleTensorType):
                output.type = FloatTensorType(output.type.shape)
    return calculate_float_outputs


def register_boosters() -> None:
    """Register LGBMClassifier/Regressor, XGBClassifier/Regressor, XGBoostLabelClassifier,
    CatBoostLabelClassifier and CatBoostValueRegressor."""
    from lightgbm import LGBMClassifier, LGBMRegressor
    from onnxmltools.convert.xgboost.operator_converters.XGBoost import convert_xgboost
    from skl2onnx import update_registered_converter
    from skl2onnx.common.shape_calculator import (
        calculate_linear_classifier_output_shapes,
        calculate_linear_regressor_output_shapes,
    )
    from xgboost import XGBClassifier, XGBRegressor

    from automl.algorithms._catboost import CatBoostLabelClassifier, CatBoostValueRegressor
    from automl.algorithms._xgboost import XGBoostLabelClassifier

    classifier_shapes = calculate_linear_classifier_output_shapes
    for model, alias, shapes, converter in (
        (LGBMClassifier, "LightGbmLGBMClassifier", _float_outputs(classifier_shapes), _convert_lightgbm_in_double),
        (XGBClassifier, "XGBoostXGBClassifier", classifier_shapes, convert_xgboost),
        (XGBoostLabelClassifier, "AutoMLXGBoostLabelClassifier", classifier_shapes, _convert_xgboost_labels),
    ):
        update_registered_converter(model, alias, shapes, converter, options=CLASSIFIER_OPTIONS)
    for model, alias, shapes, converter in (
        (LGBMRegressor, "LightGbmLGBMRegressor", _float_outputs(calculate_linear_regressor_output_shapes),
         _convert_lightgbm_in_double),
        (XGBRegressor, "XGBoostXGBRegressor", calculate_linear_regressor_output_shapes, convert_xgboost),
    ):
        update_registered_converter(model, alias, shapes, converter)
    update_registered_converter(CatBoostLabelClassifier, "AutoMLCatBoostClassifier",
                                calculate_linear_classifier_output_shapes, _convert_catboost,
                                parser=_parse_catboost_classifier, options=CLASSIFIER_OPTIONS)
    update_registered_converter(CatBoostValueRegressor, "AutoMLCatBoostRegressor",
                                calculate_linear_regressor_output_shapes, _convert_catboost)
