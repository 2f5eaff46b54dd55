"""StringCast and the categorical recipes: label encoding (<= 2 categories) and one-hot (> 2)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from featurizers import MISSING_TOKEN, StringCast, plan_featurization


def featurize(X, **kwargs):
    plan = plan_featurization(X, **kwargs)
    return plan, plan.build().fit(X)


def test_string_cast_unifies_numbers_and_missing_values():
    X = pd.DataFrame({
        "mixed": pd.Series([1, 1.0, "1", None, np.nan, 2.5, True], dtype=object),
        "floats": [1.0, 2.0, np.nan, np.inf, 3.25, 4.0, 1e20],
        "cats": pd.Series(["x", None, "y", "x", "y", "x", "x"], dtype="category"),
    })
    out = StringCast(fill_value="?").fit_transform(X)
    assert out[:, 0].tolist() == ["1", "1", "1", "?", "?", "2.5", "True"]
    assert out[:, 1].tolist() == ["1", "2", "?", "?", "3.25", "4", "1e+20"]
    assert out[:, 2].tolist() == ["x", "?", "y", "x", "y", "x", "x"]
    kept = StringCast().fit_transform(X)
    assert isinstance(kept[3, 0], float) and np.isnan(kept[3, 0])


def test_string_cast_flatten_returns_one_dimension():
    out = StringCast(fill_value="", flatten=True).fit_transform(pd.DataFrame({"t": ["a b", None]}))
    assert out.tolist() == ["a b", ""]
    with pytest.raises(ValueError, match="exactly one column"):
        StringCast(flatten=True).fit(pd.DataFrame({"a": [1], "b": [2]}))


def test_string_cast_pickles_and_clones():
    import pickle
    from sklearn.base import clone
    X = pd.DataFrame({"a": ["x", None, "é"]})
    cast = StringCast(fill_value="-").fit(X)
    again = pickle.loads(pickle.dumps(cast))
    assert again.transform(X).tolist() == cast.transform(X).tolist()
    assert clone(cast).get_params() == {"fill_value": "-", "flatten": False}


def binary_frame():
    return pd.DataFrame({"sex": ["m", "f", None, "f"] * 25, "x": np.arange(100.0) + 0.5})


def test_two_categories_get_label_encoding_with_mode_imputation():
    X = binary_frame()
    plan, fitted = featurize(X)
    assert plan.recipes["sex"] == "label"
    out = fitted.transform(pd.DataFrame({"sex": ["f", "m", None, "unseen"], "x": [1.0] * 4}))
    assert out[:, 1].tolist() == [0.0, 1.0, 0.0, -1.0]          # missing -> mode "f"; unseen -> -1
    record = plan.summary(fitted)[0]
    assert record["Transformations"] == ["StringCast", "CatImputer", "LabelEncoder"]
    assert record["EngineeredFeatureCount"] == 1


def test_more_categories_get_one_hot_with_missing_as_a_category():
    X = pd.DataFrame({"port": ["S", "C", None, "Q"] * 25, "x": np.arange(100.0) + 0.5})
    plan, fitted = featurize(X)
    assert plan.recipes["port"] == "onehot"
    names = fitted.get_feature_names_out().tolist()
    assert names == ["x", "port_C", "port_Q", "port_S", f"port_{MISSING_TOKEN}"]
    out = fitted.transform(pd.DataFrame({"port": ["Q", None, "unseen"], "x": [1.0] * 3}))
    np.testing.assert_array_equal(out[:, 1:], [[0, 1, 0, 0], [0, 0, 0, 1], [0, 0, 0, 0]])
    record = plan.summary(fitted)[0]
    assert record == {"RawFeatureName": "port", "TypeDetected": "Categorical", "Dropped": "No",
                      "EngineeredFeatureCount": 4, "Transformations": ["StringCast", "OneHotEncoder"],
                      "Notes": ""}


def test_missing_category_appears_even_if_only_seen_at_transform():
    X = pd.DataFrame({"port": ["S", "C", "Q"] * 30})
    plan, fitted = featurize(X)
    out = fitted.transform(pd.DataFrame({"port": [None]}))
    np.testing.assert_array_equal(out, [[0, 0, 0]])


def test_integer_categories_match_float_and_string_forms():
    X = pd.DataFrame({"grade": [1, 2, 3] * 40})
    plan, fitted = featurize(X)
    assert plan.purposes["grade"] == "Categorical"
    out = fitted.transform(pd.DataFrame({"grade": pd.Series([1.0, "2", None], dtype=object)}))
    # the value (missing: the training mean), then the one-hot columns
    np.testing.assert_array_equal(out, [[1, 1, 0, 0], [2, 0, 1, 0], [2, 0, 0, 0]])


def test_integer_categories_also_keep_their_value_for_splits_on_order():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"hour": rng.integers(0, 24, 2000), "flag": rng.integers(0, 2, 2000),
                      "port": rng.choice(["S", "C", "Q"], 2000), "zip": rng.integers(0, 24, 2000)})
    plan = plan_featurization(X, column_name_and_types={"zip": "Categorical"})
    fitted = plan.build().fit(X)
    names = fitted.get_feature_names_out().tolist()
    assert "hour" in names and len([n for n in names if n.startswith("hour_")]) == 24
    assert names.count("flag") == 1 and "port" not in names and "zip" not in names  # label code; strings; set by the user
    out = fitted.transform(X)
    np.testing.assert_array_equal(out[:, names.index("hour")], X["hour"])
    record = next(r for r in plan.summary(fitted) if r["RawFeatureName"] == "hour")
    assert record["EngineeredFeatureCount"] == 25
    assert record["Transformations"] == ["MeanImputer", "StringCast", "OneHotEncoder"]


def test_whole_numbers_read_as_floats_keep_their_value_too():
    # pandas reads an integer column with missing values as floats: a count, categorical by Azure's rule
    rng = np.random.default_rng(0)
    years = rng.integers(0, 11, 2000).astype(float)
    years[::7] = np.nan
    X = pd.DataFrame({"years": years, "code": pd.Series(rng.integers(0, 11, 2000)).astype(str)})
    plan, fitted = featurize(X)
    assert plan.purposes == {"years": "Categorical", "code": "Categorical"}
    names = fitted.get_feature_names_out().tolist()
    assert "years" in names and "code" not in names  # strings of digits stay one-hot only
    out = fitted.transform(X)
    column = out[:, names.index("years")]
    np.testing.assert_array_equal(column[~np.isnan(years)], years[~np.isnan(years)])
    np.testing.assert_allclose(column[np.isnan(years)], np.nanmean(years))


def test_categorical_override_on_numbers():
    X = pd.DataFrame({"zip": np.arange(1000) % 300})
    plan, fitted = featurize(X, column_name_and_types={"zip": "Categorical"})
    assert plan.recipes["zip"] == "onehot"
    assert plan.summary(fitted)[0]["EngineeredFeatureCount"] == 300
    assert "set by column_name_and_types" in plan.notes["zip"]
