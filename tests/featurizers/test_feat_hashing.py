"""CategoricalHash recipe: HashOneHotEncoder with 2^floor(log2 u) (or 2^number_of_bits) columns."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from featurizers import HashOneHotEncoder, plan_featurization
from featurizers._hashing import default_number_of_bits


@pytest.mark.parametrize("u, bits", [(1, 1), (2, 1), (3, 1), (4, 2), (255, 7), (256, 8), (9999, 13)])
def test_default_bits_is_floor_log2_u(u, bits):
    assert default_number_of_bits(u) == bits


def test_hashing_is_deterministic_one_hot_and_handles_unseen_and_missing():
    X = pd.DataFrame({"city": [f"c{i}" for i in range(40)]})
    enc = HashOneHotEncoder().fit(X)
    assert enc.n_features_per_column_ == [32]
    out = enc.transform(pd.DataFrame({"city": ["c1", "never seen", None]})).toarray()
    assert out.shape == (3, 32) and (out.sum(axis=1) == 1).all()
    again = HashOneHotEncoder().fit(X).transform(pd.DataFrame({"city": ["c1"]})).toarray()
    np.testing.assert_array_equal(again[0], out[0])
    assert enc.get_feature_names_out()[:2].tolist() == ["city_hash_0", "city_hash_1"]


def test_number_of_bits_scalar_and_per_column():
    X = pd.DataFrame({"a": list("abcdef"), "b": list("ghijkl")})
    assert HashOneHotEncoder(number_of_bits=3).fit(X).n_features_per_column_ == [8, 8]
    assert HashOneHotEncoder(number_of_bits=[1, 4]).fit(X).n_features_per_column_ == [2, 16]
    with pytest.raises(ValueError, match="2 columns"):
        HashOneHotEncoder(number_of_bits=[1]).fit(X)
    with pytest.raises(ValueError, match=r"\[1, 24\]"):
        HashOneHotEncoder(number_of_bits=0).fit(X)


def hash_frame(u: int = 300, n: int = 1000) -> pd.DataFrame:
    return pd.DataFrame({"zone": [f"z{i % u:04d}" for i in range(n)]})


def test_categorical_hash_recipe_uses_floor_log2_u():
    X = hash_frame()
    plan = plan_featurization(X)
    assert plan.purposes["zone"] == "CategoricalHash" and plan.recipes["zone"] == "hash"
    fitted = plan.build().fit(X)
    record = plan.summary(fitted)[0]
    assert record["EngineeredFeatureCount"] == 256
    assert record["Transformations"] == ["StringCast", "HashOneHotEncoder"]


def test_hash_one_hot_encoder_number_of_bits_parameter():
    X = hash_frame()
    params = {"hash_one_hot_encoder": [{"fields": ["zone"], "parameters": {"number_of_bits": 3}}]}
    plan = plan_featurization(X, mode="custom", transformer_params=params)
    fitted = plan.build().fit(X)
    assert plan.summary(fitted)[0]["EngineeredFeatureCount"] == 8
    assert fitted.transform(X).shape == (1000, 8)


def test_onnx_compatible_mode_label_encodes_high_cardinality():
    X = hash_frame()
    plan = plan_featurization(X, onnx_compatible=True)
    assert plan.recipes["zone"] == "label"
    assert plan.build().fit_transform(X).shape == (1000, 1)
