"""The featurization recipes (reference 5.3) as one table: how to build, count and name each.

A recipe turns the columns of one purpose into engineered features. Each entry says
which Azure ``BlockedTransformers`` names remove it, how to build its unfitted
scikit-learn estimator, how many features each column got once fitted, and which
transformation names the featurization summary lists.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.impute import SimpleImputer
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder

from ._constants import MISSING_TOKEN
from ._datetime import DATE_PARTS, DateTimeFeatures
from ._hashing import HashOneHotEncoder
from ._numeric import ImputationMarker, NumericCast
from ._strings import StringCast
from ._text import build_tfidf

__all__ = ["Recipe", "RECIPES", "IMPUTER_NAMES"]

#: Summary name of each numeric imputation strategy.
IMPUTER_NAMES = {"mean": "MeanImputer", "median": "MedianImputer",
                 "most_frequent": "ModeImputer", "constant": "ConstantImputer"}

Builder = Callable[[dict[str, Any], bool], BaseEstimator]
Counter = Callable[[BaseEstimator, int], list[int]]
Describer = Callable[[BaseEstimator, dict[str, Any], int], list[str]]


@dataclass(frozen=True)
class Recipe:
    """One row of the recipe table.

    Attributes
    ----------
    key : str
        Recipe name, also the ColumnTransformer step name (``tfidf`` adds ``:<column>``).
    blocked_by : frozenset of str
        Azure ``BlockedTransformers`` names that remove this recipe.
    build : callable (params, sparse) -> estimator
        The unfitted estimator for the step's columns.
    counts : callable (fitted, n_columns) -> list of int
        Engineered features per input column.
    describe : callable (fitted, params, column index) -> list of str
        Transformation names for the summary.
    per_column : bool
        One step per column (parameters differ per column) instead of one per group.
    """

    key: str
    blocked_by: frozenset[str]
    build: Builder
    counts: Counter
    describe: Describer
    per_column: bool = False


#: The parts of the numeric recipe's union, which prefix their outputs' names (``imputer__Age``,
#: ``marker__Age_WASNULL``): unprefixed, a raw column named like another's marker (``Age_WASNULL``)
#: would give the union two outputs of one name, which it refuses to name at all.
#: :func:`featurizers.engineered_feature_name` takes the prefixes off again.
NUMERIC_PARTS = ("imputer", "marker")


def _build_numeric(params: dict[str, Any], sparse: bool) -> Pipeline:
    imputer = SimpleImputer(strategy=params.get("strategy", "mean"),
                            fill_value=params.get("fill_value"), keep_empty_features=True)
    return Pipeline([
        ("cast", NumericCast()),
        ("union", FeatureUnion(list(zip(NUMERIC_PARTS, (imputer, ImputationMarker()))),
                               verbose_feature_names_out=True)),
    ])


def _numeric_markers(fitted: Pipeline) -> set[int]:
    return set(int(i) for i in fitted.named_steps["union"].named_transformers["marker"].features_)


def _count_numeric(fitted: Pipeline, n: int) -> list[int]:
    marked = _numeric_markers(fitted)
    return [1 + (j in marked) for j in range(n)]


def _describe_numeric(fitted: Pipeline, params: dict[str, Any], j: int) -> list[str]:
    names = [IMPUTER_NAMES[params.get("strategy", "mean")]]
    return names + (["ImputationMarker"] if j in _numeric_markers(fitted) else [])


def _build_datetime(params: dict[str, Any], sparse: bool) -> Pipeline:
    return Pipeline([("parts", DateTimeFeatures()),
                     ("imputer", SimpleImputer(strategy="most_frequent", keep_empty_features=True))])


def _build_label(params: dict[str, Any], sparse: bool) -> Pipeline:
    return Pipeline([
        ("cast", StringCast()),
        ("imputer", SimpleImputer(strategy="most_frequent", keep_empty_features=True)),
        ("encoder", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1,
                                   dtype=np.float64)),
    ])


def _build_onehot(params: dict[str, Any], sparse: bool) -> Pipeline:
    return Pipeline([
        ("cast", StringCast()),
        ("imputer", SimpleImputer(strategy="constant", fill_value=MISSING_TOKEN)),
        ("encoder", OneHotEncoder(handle_unknown="ignore", sparse_output=sparse, dtype=np.float64)),
    ])


def _build_hash(params: dict[str, Any], sparse: bool) -> Pipeline:
    return Pipeline([("cast", StringCast(fill_value=MISSING_TOKEN)),
                     ("encoder", HashOneHotEncoder(number_of_bits=params["number_of_bits"]))])


def _fixed(names: list[str]) -> Describer:
    return lambda fitted, params, j: list(names)


def _each(k: int) -> Counter:
    return lambda fitted, n: [k] * n


#: Every recipe, in ColumnTransformer order.
RECIPES: dict[str, Recipe] = {r.key: r for r in (
    Recipe("cast", frozenset(), lambda p, s: NumericCast(), _each(1), _fixed([])),
    Recipe("numeric", frozenset(), _build_numeric, _count_numeric, _describe_numeric),
    Recipe("datetime", frozenset(), _build_datetime, _each(len(DATE_PARTS)),
           _fixed(["DateTimeTransformer", "ModeImputer"])),
    Recipe("label", frozenset({"LabelEncoder"}), _build_label, _each(1),
           _fixed(["StringCast", "CatImputer", "LabelEncoder"])),
    Recipe("onehot", frozenset({"OneHotEncoder", "CountVectorizer"}), _build_onehot,
           lambda fitted, n: [len(c) for c in fitted.named_steps["encoder"].categories_],
           _fixed(["StringCast", "OneHotEncoder"])),
    Recipe("hash", frozenset({"HashOneHotEncoder"}), _build_hash,
           lambda fitted, n: list(fitted.named_steps["encoder"].n_features_per_column_),
           _fixed(["StringCast", "HashOneHotEncoder"])),
    Recipe("tfidf", frozenset({"TfIdf"}), lambda p, s: build_tfidf(p),
           lambda fitted, n: [len(fitted.named_steps["tfidf"].vocabulary_)],
           _fixed(["StringCast", "TfIdf"]), per_column=True),
)}
