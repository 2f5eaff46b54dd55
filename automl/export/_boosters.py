"""onnxmltools' LightGBM and XGBoost converters, registered with skl2onnx."""
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


def register_boosters() -> None:
    """Register LGBMClassifier/Regressor, XGBClassifier/Regressor and XGBoostLabelClassifier."""
    from lightgbm import LGBMClassifier, LGBMRegressor
    from onnxmltools.convert.lightgbm.operator_converters.LightGbm import convert_lightgbm
    from onnxmltools.convert.xgboost.operator_converters.XGBoost import convert_xgboost
    from skl2onnx import update_registered_converter
    from skl2onnx.common.shape_calculator import (
        calculate_linear_classifier_output_shapes,
        calculate_linear_regressor_output_shapes,
    )
    from xgboost import XGBClassifier, XGBRegressor

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
