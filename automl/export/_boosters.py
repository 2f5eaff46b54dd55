"""The boosters' converters, registered with skl2onnx: onnxmltools' for LightGBM and XGBoost, and
CatBoost's own ONNX export (which onnxmltools' ``convert_catboost`` wraps) for CatBoost."""
from __future__ import annotations

from typing import Any

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


def register_boosters() -> None:
    """Register LGBMClassifier/Regressor, XGBClassifier/Regressor, XGBoostLabelClassifier,
    CatBoostLabelClassifier and CatBoostValueRegressor."""
    from lightgbm import LGBMClassifier, LGBMRegressor
    from onnxmltools.convert.lightgbm.operator_converters.LightGbm import convert_lightgbm
    from onnxmltools.convert.xgboost.operator_converters.XGBoost import convert_xgboost
    from skl2onnx import update_registered_converter
    from skl2onnx.common.shape_calculator import (
        calculate_linear_classifier_output_shapes,
        calculate_linear_regressor_output_shapes,
    )
    from xgboost import XGBClassifier, XGBRegressor

    from automl.algorithms._catboost import CatBoostLabelClassifier, CatBoostValueRegressor
    from automl.algorithms._xgboost import XGBoostLabelClassifier

    for model, alias, converter in (
        (LGBMClassifier, "LightGbmLGBMClassifier", convert_lightgbm),
        (XGBClassifier, "XGBoostXGBClassifier", convert_xgboost),
        (XGBoostLabelClassifier, "AutoMLXGBoostLabelClassifier", _convert_xgboost_labels),
    ):
        update_registered_converter(model, alias, calculate_linear_classifier_output_shapes,
                                    converter, options=CLASSIFIER_OPTIONS)
    for model, alias in ((LGBMRegressor, "LightGbmLGBMRegressor"), (XGBRegressor, "XGBoostXGBRegressor")):
        converter = convert_lightgbm if model is LGBMRegressor else convert_xgboost
        update_registered_converter(model, alias, calculate_linear_regressor_output_shapes, converter)
    update_registered_converter(CatBoostLabelClassifier, "AutoMLCatBoostClassifier",
                                calculate_linear_classifier_output_shapes, _convert_catboost,
                                parser=_parse_catboost_classifier, options=CLASSIFIER_OPTIONS)
    update_registered_converter(CatBoostValueRegressor, "AutoMLCatBoostRegressor",
                                calculate_linear_regressor_output_shapes, _convert_catboost)
