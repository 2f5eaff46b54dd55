"""Adapt a copy of a fitted pipeline so that skl2onnx converts it faithfully.

The model itself is never changed. In the copy:

- ``densify`` steps are removed (ONNX tensors are dense);
- fitted ``SimpleImputer`` steps become :class:`StringImputation` (fills ``""``,
  how a missing category is fed) or :class:`NumericImputation` (fills ``NaN`` in
  double: onnxruntime's ``Imputer`` takes float32 only);
- tree learners that compare float32 features with their split values in Python
  (scikit-learn's, XGBoost, CatBoost) get :class:`Float32Features` in front:
  featurization and scaling run in double as in Python, and the trees compare
  float32 features, so rows land on the same side of every split (a float32
  featurization would move values such as 7.925 by one ulp); LightGBM compares
  double features with double split values, and its trees are converted in double
  (:mod:`automl.export._boosters`), as is every other learner;
- XGBoost trained on sparse features gets :class:`ZerosAsMissing` too;
- TF-IDF steps get the tokeniser pattern and locale that reproduce scikit-learn;
- KNN and SVM fitted on sparse features hold their training rows dense;
- KNN computes its distances with onnxruntime's ``CDist`` kernel (skl2onnx's ``optim="cdist"``)
  instead of a ``Scan`` over the training rows.
"""
from __future__ import annotations

import functools
from typing import Any, Iterator

import scipy.sparse as sp
from catboost import CatBoost
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import VotingClassifier, VotingRegressor
from sklearn.ensemble._forest import BaseForest
from sklearn.ensemble._gb import BaseGradientBoosting
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.impute import SimpleImputer
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.svm._base import BaseSVC
from sklearn.tree._classes import BaseDecisionTree
from xgboost import XGBClassifier, XGBModel, XGBRegressor

from automl.export._standins import Float32Features, NumericImputation, StringImputation, ZerosAsMissing

#: Learners that compare float32 features with split values, in Python as in ONNX.
FLOAT32_LEARNERS = (BaseDecisionTree, BaseForest, BaseGradientBoosting, XGBModel, CatBoost)
_SKLEARN_TOKENS = r"(?u)\b\w\w+\b"
_LOCALES = ("en_US.UTF-8", "C.UTF-8", "C")


def _children(obj: Any) -> list[tuple[str, Any]]:
    if isinstance(obj, Pipeline):
        return list(obj.steps)
    if isinstance(obj, ColumnTransformer):
        return [(n, t) for n, t, _ in obj.transformers_ if not isinstance(t, str)]
    if isinstance(obj, FeatureUnion):
        return [(n, t) for n, t in obj.transformer_list if not isinstance(t, str)]
    if isinstance(obj, (VotingClassifier, VotingRegressor)):
        names = [n for n, _ in obj.estimators]
        return list(zip(names, obj.estimators_))
    return []


def walk(obj: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every step of ``obj`` and of its nested pipelines, as ``("a/b/c", step)``."""
    for name, child in _children(obj):
        child_path = f"{path}/{name}" if path else name
        yield child_path, child
        yield from walk(child, child_path)


def _calibrated(obj: Any) -> list[Any]:
    """The fitted inner estimators of a ``CalibratedClassifierCV``."""
    if not isinstance(obj, CalibratedClassifierCV):
        return []
    return [c.estimator for c in getattr(obj, "calibrated_classifiers_", [])]


@functools.lru_cache(maxsize=1)
def text_locale() -> str:
    """A locale onnxruntime can build here, for lower-casing text (``StringNormalizer``).

    onnxruntime's default, ``en_US.UTF-8``, is missing on many minimal Linux
    systems; ``C.UTF-8`` is then used, else ``C``.
    """
    import onnxruntime as ort
    from onnx import TensorProto, helper

    vector = [helper.make_tensor_value_info(n, TensorProto.STRING, [None]) for n in ("x", "y")]
    options = ort.SessionOptions()
    options.log_severity_level = 4  # a missing locale is expected here, not an error
    for name in _LOCALES:
        node = helper.make_node("StringNormalizer", ["x"], ["y"], case_change_action="LOWER", locale=name)
        model = helper.make_model(helper.make_graph([node], "probe", vector[:1], vector[1:]),
                                  opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
        try:
            ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])
        except Exception:  # this locale is not installed
            continue
        return name
    return "C"


def _token_regex(vectorizer: TfidfVectorizer) -> str | None:
    """The RE2 pattern onnxruntime's ``Tokenizer`` needs to split words as scikit-learn does.

    scikit-learn's default ``(?u)\\b\\w\\w+\\b`` keeps runs of at least two Unicode
    word characters; skl2onnx would otherwise use ``[a-zA-Z0-9_]+`` (single letters and
    ASCII only).
    """
    if vectorizer.analyzer != "word":
        return None
    pattern = vectorizer.token_pattern
    if pattern == _SKLEARN_TOKENS:
        return r"[\pL\pN_]{2,}"
    return pattern.replace("(?u)", "")


def is_densify(step: Any) -> bool:
    return isinstance(step, FunctionTransformer) and getattr(step.func, "__name__", "") == "to_dense"


def _is_string_imputer(step: Any) -> bool:
    return isinstance(step, SimpleImputer) and getattr(step, "statistics_", None) is not None \
        and step.statistics_.dtype == object


def _stand_in(step: Any) -> Any:
    """What converts in place of ``step`` (itself for most steps)."""
    if isinstance(step, SimpleImputer) and getattr(step, "statistics_", None) is not None:
        return (StringImputation if _is_string_imputer(step) else NumericImputation)(step.statistics_)
    return step


def _adapted_steps(steps: list[tuple[str, Any]], sparse: bool) -> list[tuple[str, Any]]:
    out = []
    for name, step in steps:
        if is_densify(step):
            continue
        step = _stand_in(step)
        if isinstance(step, FLOAT32_LEARNERS):
            out.append(("float32", Float32Features()))
            if sparse and isinstance(step, (XGBClassifier, XGBRegressor)):
                out.append(("zeros_as_missing", ZerosAsMissing()))
        out.append((name, step))
    return out


def adapt(obj: Any, options: dict[int, dict], sparse: bool) -> None:
    """Adapt the copy ``obj`` in place for conversion (see the module docstring).

    Converter options of the adapted steps are added to ``options`` (by ``id``);
    ``sparse`` says whether the learners were trained on sparse features.
    """
    if isinstance(obj, Pipeline):
        obj.steps = _adapted_steps(obj.steps, sparse)
    elif isinstance(obj, FeatureUnion):
        obj.transformer_list = [(n, _stand_in(t)) for n, t in obj.transformer_list]
    elif isinstance(obj, ColumnTransformer):
        obj.transformers_ = [(n, _stand_in(t), c) for n, t, c in obj.transformers_]
    if isinstance(obj, TfidfVectorizer):
        options[id(obj)] = {"locale": text_locale(), "tokenexp": _token_regex(obj)}
    if isinstance(obj, (KNeighborsClassifier, KNeighborsRegressor)):
        if sp.issparse(obj._fit_X):
            obj._fit_X = obj._fit_X.toarray()
        # onnxruntime's CDist kernel for the distances, instead of a Scan over the training rows
        options.setdefault(id(obj), {})["optim"] = "cdist"
    if isinstance(obj, BaseSVC) and sp.issparse(getattr(obj, "support_vectors_", None)):
        obj.support_vectors_ = obj.support_vectors_.toarray()
    for _, child in _children(obj):
        adapt(child, options, sparse)
    for inner in _calibrated(obj):
        adapt(inner, options, sparse)
