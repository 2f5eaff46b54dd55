"""plan_featurization: modes, blocked transformer fallbacks, sparse policy, build, summary."""
from __future__ import annotations

import json
import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline

from featurizers import FeaturizationConfigError, FeaturizationPlan, SUMMARY_KEYS, plan_featurization
import featurizers._plan as plan_module


def frame(n: int = 1000) -> pd.DataFrame:
    return pd.DataFrame({
        "num": np.where(np.arange(n) % 7 == 0, np.nan, np.arange(n) * 0.5),
        "bin": ["yes", "no"] * (n // 2),
        "multi": [f"c{i % 5}" for i in range(n)],
        "zone": [f"z{i % 300:04d}" for i in range(n)],
        "note": [f"the note number {i} says hello" for i in range(n)],
        "when": pd.date_range("2020-01-01", periods=n, freq="h").astype(str),
        "const": ["same"] * n,
        "empty": [None] * n,
        "guid": [f"{i:08x}-aaaa-bbbb" for i in range(n)],
    })


RECIPES_BY_BLOCKED = [
    ([], ("label", "onehot", "hash", "tfidf")),
    (["LabelEncoder"], ("onehot", "onehot", "hash", "tfidf")),
    (["OneHotEncoder"], ("label", "label", "hash", "tfidf")),
    (["CountVectorizer"], ("label", "label", "hash", "tfidf")),
    (["HashOneHotEncoder"], ("label", "onehot", None, "tfidf")),
    (["TfIdf"], ("label", "onehot", "hash", None)),
    (["LabelEncoder", "OneHotEncoder"], ("hash", "hash", "hash", "tfidf")),
    (["LabelEncoder", "OneHotEncoder", "HashOneHotEncoder"], (None, None, None, "tfidf")),
    (["TextTargetEncoder", "CatTargetEncoder", "WoETargetEncoder", "WordEmbedding", "NaiveBayes"],
     ("label", "onehot", "hash", "tfidf")),
]


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return frame()


@pytest.mark.parametrize("blocked, expected", RECIPES_BY_BLOCKED)
def test_blocked_transformers_fall_back_or_drop(data, blocked, expected):
    plan = plan_featurization(data, blocked_transformers=blocked)
    got = tuple(plan.recipes[c] for c in ("bin", "multi", "zone", "note"))
    assert got == expected
    assert plan.recipes["num"] == "numeric" and plan.recipes["when"] == "datetime"


def test_blocked_fallbacks_are_recorded_in_the_summary(data):
    plan = plan_featurization(data, blocked_transformers=["label_encoder", "tf_idf"])
    fitted = plan.build().fit(data)
    records = {r["RawFeatureName"]: r for r in plan.summary(fitted)}
    assert records["bin"]["Notes"] == "LabelEncoder blocked: OneHotEncoder used instead"
    assert records["bin"]["Transformations"] == ["StringCast", "OneHotEncoder"]
    assert records["bin"]["EngineeredFeatureCount"] == 2
    assert records["note"]["Dropped"] == "Yes"
    assert records["note"]["Notes"] == "TfIdf blocked: column dropped"
    assert records["note"]["TypeDetected"] == "Text"


def test_summary_records(data):
    plan = plan_featurization(data)
    fitted = plan.build().fit(data)
    records = plan.summary(fitted)
    assert [r["RawFeatureName"] for r in records] == list(data.columns)
    assert all(tuple(r) == SUMMARY_KEYS for r in records)
    by_name = {r["RawFeatureName"]: r for r in records}
    assert by_name["num"]["Transformations"] == ["MeanImputer", "ImputationMarker"]
    assert by_name["num"]["EngineeredFeatureCount"] == 2
    assert by_name["when"]["EngineeredFeatureCount"] == 10
    for column, reason in [("const", "single value"), ("empty", "all values are missing"),
                           ("guid", "ID-like")]:
        assert by_name[column]["Dropped"] == "Yes" and reason in by_name[column]["Notes"]
        assert by_name[column]["EngineeredFeatureCount"] == 0
    total = sum(r["EngineeredFeatureCount"] for r in records)
    assert total == len(fitted.get_feature_names_out()) == fitted.transform(data).shape[1]
    json.dumps(records)
    assert plan.summary(Pipeline([("datatransformer", fitted)])) == records


def test_summary_needs_the_fitted_transformer_of_the_plan(data):
    plan = plan_featurization(data)
    with pytest.raises(TypeError, match="ColumnTransformer"):
        plan.summary(object())
    other = plan_featurization(data[["num"]]).build().fit(data[["num"]])
    with pytest.raises(ValueError, match="no step"):
        plan.summary(other)


def test_build_is_unfitted_cloneable_and_independent(data):
    plan = plan_featurization(data)
    first, second = plan.build(), plan.build()
    assert isinstance(first, ColumnTransformer) and first is not second
    assert not hasattr(first, "transformers_")
    fold = clone(first).fit(data.iloc[:500])
    full = clone(first).fit(data)
    assert fold.transform(data).shape[0] == full.transform(data).shape[0] == 1000
    restored = pickle.loads(pickle.dumps(full))
    a, b = restored.transform(data.iloc[:10]), full.transform(data.iloc[:10])
    assert (abs(a - b)).max() == 0


def test_feature_names_unique_and_readable(data):
    names = plan_featurization(data).build().fit(data).get_feature_names_out().tolist()
    assert len(names) == len(set(names))
    for expected in ["num", "num_WASNULL", "bin", "multi_c0", "zone_hash_0", "when_hour",
                     "note_tfidf_hello"]:
        assert expected in names


def test_sparse_policy(data, monkeypatch):
    dense = data[["num", "multi"]]
    plan = plan_featurization(dense)
    assert not plan.sparse_output and isinstance(plan.build().fit_transform(dense), np.ndarray)
    assert plan_featurization(data).sparse_output
    assert sp.issparse(plan_featurization(data).build().fit_transform(data))
    monkeypatch.setattr(plan_module, "DENSE_BUDGET_BYTES", 1000)
    assert plan_featurization(dense).sparse_output


def test_mode_off_passes_numbers_through():
    X = pd.DataFrame({"a": [1.0, np.nan, np.inf], "b": pd.array([1, None, 3], dtype="Int64"),
                      "c": [True, False, True]})
    plan = plan_featurization(X, mode="off")
    fitted = plan.build().fit(X)
    np.testing.assert_array_equal(fitted.transform(X), [[1, 1, 1], [np.nan, np.nan, 0],
                                                        [np.nan, 3, 1]])
    assert plan.purposes == {"a": "Numeric", "b": "Numeric", "c": "Numeric"}
    assert [r["Transformations"] for r in plan.summary(fitted)] == [[], [], []]


def test_mode_off_refuses_non_numeric_columns_and_settings():
    X = pd.DataFrame({"a": [1.0], "s": ["x"], "d": pd.to_datetime(["2020-01-01"])})
    with pytest.raises(FeaturizationConfigError, match=r"\['s', 'd'\].*mode='auto'.*drop them"):
        plan_featurization(X, mode="off")
    with pytest.raises(FeaturizationConfigError, match="ignores blocked_transformers"):
        plan_featurization(X[["a"]], mode="off", blocked_transformers=["TfIdf"])


def test_forecasting_ignores_blocked_transformers_with_a_warning(data):
    with pytest.warns(UserWarning, match="ignored for forecasting"):
        plan = plan_featurization(data, blocked_transformers=["LabelEncoder"], is_timeseries=True)
    assert plan.blocked_transformers == []


def test_plan_is_plain_data(data):
    plan = plan_featurization(data, blocked_transformers=["TfIdf"])
    as_dict = plan.to_dict()
    json.dumps(as_dict)
    assert as_dict["blocked_transformers"] == ["TfIdf"]
    assert plan.dropped_columns == ["note", "const", "empty", "guid"]
    assert isinstance(plan, FeaturizationPlan)


def test_overridden_drop(data):
    plan = plan_featurization(data, column_name_and_types={"num": "Ignore"})
    assert plan.recipes["num"] is None
    assert plan.notes["num"] == "dropped: column_name_and_types set Ignore"


def test_all_columns_dropped_gives_an_empty_transformer():
    X = pd.DataFrame({"const": ["a"] * 10})
    plan = plan_featurization(X)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = plan.build().fit_transform(X)
    assert out.shape == (10, 0)
