"""Featurization settings (reference 1.5): mode, blocked transformer names, transformer_params errors."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from featurizers import BLOCKED_TRANSFORMERS, FeaturizationConfigError, plan_featurization
from featurizers._settings import parse_blocked_transformers, parse_mode


def frame(n: int = 1000) -> pd.DataFrame:
    return pd.DataFrame({
        "num": np.arange(n) * 0.5,
        "cat": [f"c{i % 5}" for i in range(n)],
        "zone": [f"z{i % 300:04d}" for i in range(n)],
        "note": [f"the note number {i} says hello" for i in range(n)],
    })


@pytest.mark.parametrize("name, canonical", [
    ("OneHotEncoder", "OneHotEncoder"), ("one_hot_encoder", "OneHotEncoder"),
    ("ONEHOTENCODER", "OneHotEncoder"), ("tf_idf", "TfIdf"), ("TFIDF", "TfIdf"),
    ("wo_e_target_encoder", "WoETargetEncoder"), ("hash_one_hot_encoder", "HashOneHotEncoder"),
    ("label-encoder", "LabelEncoder"), ("count_vectorizer", "CountVectorizer"),
])
def test_blocked_names_camel_or_snake_any_case(name, canonical):
    assert parse_blocked_transformers([name]) == {canonical}


def test_every_azure_blocked_transformer_is_accepted():
    assert parse_blocked_transformers(BLOCKED_TRANSFORMERS) == set(BLOCKED_TRANSFORMERS)
    assert len(BLOCKED_TRANSFORMERS) == 10


def test_unknown_blocked_transformer_suggests_a_name():
    with pytest.raises(FeaturizationConfigError, match="'OneHotEncode'.*Did you mean 'OneHotEncoder'"):
        parse_blocked_transformers(["OneHotEncode"])


@pytest.mark.parametrize("mode, expected", [("auto", "auto"), ("Custom", "custom"), ("OFF", "off"),
                                            (None, "auto")])
def test_modes(mode, expected):
    assert parse_mode(mode, is_timeseries=False) == expected


def test_mode_errors():
    with pytest.raises(FeaturizationConfigError, match="'fast'.*auto, custom, off"):
        parse_mode("fast", is_timeseries=False)
    with pytest.raises(FeaturizationConfigError, match="forecasting"):
        parse_mode("off", is_timeseries=True)


def imputer(fields, **parameters):
    return {"imputer": [{"fields": fields, "parameters": parameters}]}


@pytest.mark.parametrize("params, match", [
    ({"scaler": []}, "unknown key 'scaler'"),
    (imputer(["num"], strategy="mode"), "'strategy' = 'mode' is invalid.*'median'"),
    (imputer(["num"], method="mean"), "unknown parameter 'method'.*Allowed: strategy, fill_value"),
    (imputer(["num"], fill_value=0), "'fill_value' needs strategy 'constant'"),
    (imputer(["nope"], strategy="median"), "column 'nope', which is not in the data"),
    (imputer(["num", "num"], strategy="median"), "lists column 'num' twice"),
    ({"imputer": [{"fields": ["num"], "parameters": {"strategy": "median"}},
                  {"fields": ["num"], "parameters": {"strategy": "mean"}}]}, "twice"),
    (imputer(["cat"], strategy="median"), "applies to Numeric columns, but 'cat' is Categorical"),
    ({"tf_idf": [{"fields": ["note"], "parameters": {"ngram_range": [3, 1]}}]}, "ngram_range"),
    ({"tf_idf": [{"fields": ["note"], "parameters": {"max_featurez": 3}}]}, "max_features"),
    ({"hash_one_hot_encoder": [{"fields": ["zone"], "parameters": {"number_of_bits": 40}}]},
     r"number_of_bits.*\[1, 24\]"),
    ({"hash_one_hot_encoder": [{"fields": ["cat"], "parameters": {"number_of_bits": 4}}]},
     "CategoricalHash columns, but 'cat'"),
    ({"imputer": [{"columns": ["num"]}]}, "unknown keys"),
    ({"imputer": [{"parameters": {"strategy": "mean"}}]}, "no 'fields'"),
    ({"imputer": ["num"]}, "entries must be"),
    ({"imputer": [], "Imputer": []}, "given twice"),
])
def test_transformer_params_errors(params, match):
    with pytest.raises(FeaturizationConfigError, match=match):
        plan_featurization(frame(), mode="custom", transformer_params=params)


def test_transformer_params_accept_objects_single_entries_and_azure_key_names():
    entry = SimpleNamespace(fields=["num"], parameters={"strategy": "median"})
    plan = plan_featurization(frame(), mode="custom", transformer_params={"Imputer": [entry]})
    assert plan.steps[0].params == {"strategy": "median"}
    plan = plan_featurization(frame(), transformer_params={
        "HashOneHotEncoder": {"fields": "zone", "parameters": {"number_of_bits": 2}}})
    assert [s.params for s in plan.steps if s.recipe == "hash"] == [{"number_of_bits": [2]}]


def test_errors_are_value_errors():
    assert issubclass(FeaturizationConfigError, ValueError)
