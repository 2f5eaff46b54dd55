"""skl2onnx converters for the featurizers' transformers, and the registration of them all.

The featurizers package must not import ONNX libraries, so its converters live
here: ``NumericCast``, ``ImputationMarker``, ``StringCast`` and
``DateTimeFeatures`` below, ``HashOneHotEncoder`` in :mod:`automl.export._hashed_onehot`
(onnxruntime's contrib ``MurmurHash3``: such a graph runs on onnxruntime only),
``TfidfTermVectorizer`` in :mod:`automl.export._tfidf`.
:func:`register_converters` registers them, the export-only steps of
:mod:`automl.export._standins`, and onnxmltools' LightGBM / XGBoost converters
(:mod:`automl.export._boosters`) with skl2onnx, once per process.

Inputs of the graph (see :mod:`automl.export._inputs`): numbers as double with
``NaN`` for missing values, categories and text as strings with ``""`` for
missing values, date-times as double seconds since the epoch.
"""
from __future__ import annotations

import threading
from typing import Any

import numpy as np

from automl.export import _hashed_onehot
from automl.export._ops import TensorProto, constant, fill_empty, n_inputs, node, set_output, single_input

_LOCK = threading.Lock()
_REGISTERED = False


def _convert_numeric_cast(scope: Any, operator: Any, container: Any) -> None:
    """Numbers as double; ``+/-inf`` become ``NaN``."""
    x = node(scope, container, "Cast", [single_input(scope, operator, container)], to=TensorProto.DOUBLE)
    infinite = node(scope, container, "IsInf", [x])
    nan = constant(scope, container, "nan", TensorProto.DOUBLE, [np.nan])
    node(scope, container, "Where", [infinite, nan, x], output=operator.outputs[0].full_name)


def _shape_marker(operator: Any) -> None:
    set_output(operator, "double", len(operator.raw_operator.features_))


def _convert_marker(scope: Any, operator: Any, container: Any) -> None:
    """1.0 where a marked column is ``NaN`` or ``+/-inf``."""
    features = np.asarray(operator.raw_operator.features_, dtype=np.int64)
    x = single_input(scope, operator, container)
    picked = node(scope, container, "Gather", [x, constant(scope, container, "marked", TensorProto.INT64,
                                                             features)], axis=1)
    finite = node(scope, container, "Sub", [picked, picked])  # NaN for NaN and +/-inf, else 0
    missing = node(scope, container, "IsNaN", [finite])
    node(scope, container, "Cast", [missing], output=operator.outputs[0].full_name, to=TensorProto.DOUBLE)


def _convert_string_cast(scope: Any, operator: Any, container: Any) -> None:
    """Strings stay strings; a ``fill_value`` replaces ``""`` (a missing value)."""
    x = single_input(scope, operator, container)
    fill = operator.raw_operator.fill_value
    if fill is None:
        node(scope, container, "Identity", [x], output=operator.outputs[0].full_name)
    else:
        fill_empty(scope, container, x, [str(fill)], operator.outputs[0].full_name)


def _shape_datetime(operator: Any) -> None:
    from featurizers import DATE_PARTS

    n = n_inputs(operator)
    set_output(operator, "double", None if n is None else n * len(DATE_PARTS))


def _convert_datetime(scope: Any, operator: Any, container: Any) -> None:
    """The ten date parts of epoch seconds (:mod:`automl.export._datetime_parts`)."""
    from automl.export._datetime_parts import add_date_parts

    add_date_parts(scope, container, single_input(scope, operator, container),
                   operator.raw_operator.n_features_in_, operator.outputs[0].full_name)


def _same_width(kind: str):
    return lambda operator: set_output(operator, kind, n_inputs(operator))


def _featurizer_converters() -> list[tuple]:
    import featurizers

    return [
        (featurizers.NumericCast, "AutoMLNumericCast", _same_width("double"), _convert_numeric_cast, None),
        (featurizers.ImputationMarker, "AutoMLImputationMarker", _shape_marker, _convert_marker, None),
        (featurizers.StringCast, "AutoMLStringCast", _same_width("string"), _convert_string_cast, None),
        (featurizers.DateTimeFeatures, "AutoMLDateTimeFeatures", _shape_datetime, _convert_datetime, None),
        (featurizers.HashOneHotEncoder, _hashed_onehot.ALIAS, _hashed_onehot.shape_hash,
         _hashed_onehot.convert_hash, None),
    ]


def register_converters() -> None:
    """Register every converter automl-studio needs with skl2onnx (idempotent)."""
    global _REGISTERED
    with _LOCK:
        if _REGISTERED:
            return
        from skl2onnx import update_registered_converter

        from automl.export import _standins, _tfidf
        from automl.export._boosters import register_boosters
        from featurizers._text import TfidfTermVectorizer

        for model, alias, shape, convert, parser in _featurizer_converters() + _standins.CONVERTERS:
            update_registered_converter(model, alias, shape, convert, parser=parser)
        update_registered_converter(TfidfTermVectorizer, _tfidf.ALIAS, _tfidf.shape_tfidf, _tfidf.convert_tfidf,
                                    parser=_tfidf.parse_tfidf, options=_tfidf.OPTIONS)
        register_boosters()
        _REGISTERED = True
