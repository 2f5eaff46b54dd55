"""Numeric recipe: NumericCast, ImputationMarker, imputation strategies (reference 5.3)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from featurizers import ImputationMarker, NumericCast, plan_featurization


def featurize(X, **kwargs):
    plan = plan_featurization(X, **kwargs)
    fitted = plan.build().fit(X)
    return plan, fitted


def test_numeric_cast_handles_every_numeric_flavour():
    X = pd.DataFrame({
        "int": [1, 2, 3],
        "nullable": pd.array([1, None, 3], dtype="Int64"),
        "bool": [True, False, True],
        "nullable_bool": pd.array([True, None, False], dtype="boolean"),
        "inf": [np.inf, -np.inf, 1.0],
        "text_numbers": pd.Series(["1.5", None, "x"], dtype="str"),
        "mixed": pd.Series([1, "2", None], dtype=object),
        "when": pd.to_datetime(["1970-01-01 00:00:10", None, "1970-01-01 00:00:00"]),
    })
    out = NumericCast().fit_transform(X)
    expected = np.array([
        [1, 1, 1, 1, np.nan, 1.5, 1, 10],
        [2, np.nan, 0, np.nan, np.nan, np.nan, 2, np.nan],
        [3, 3, 1, 0, 1, np.nan, np.nan, 0],
    ])
    np.testing.assert_array_equal(out, expected)
    assert out.dtype == np.float64


def test_imputation_marker_only_for_columns_missing_at_fit():
    marker = ImputationMarker().fit(np.array([[1.0, 2.0, np.inf], [np.nan, 3.0, 4.0]]))
    np.testing.assert_array_equal(marker.features_, [0, 2])
    out = marker.transform(np.array([[np.nan, np.nan, 1.0], [1.0, 1.0, -np.inf]]))
    np.testing.assert_array_equal(out, [[1.0, 0.0], [0.0, 1.0]])
    assert marker.get_feature_names_out(["a", "b", "c"]).tolist() == ["a_WASNULL", "c_WASNULL"]
    assert ImputationMarker(suffix="_missing").fit(np.array([[np.nan]])) \
        .get_feature_names_out().tolist() == ["x0_missing"]


def test_mean_imputation_and_marker_names():
    X = pd.DataFrame({"A": [1.5, np.nan, 3.5, 5.5] * 25, "B": np.arange(100.0)})
    plan, fitted = featurize(X)
    assert fitted.get_feature_names_out().tolist() == ["A", "B", "A_WASNULL"]
    out = fitted.transform(pd.DataFrame({"A": [np.nan, np.inf], "B": [np.nan, 1.0]}))
    np.testing.assert_allclose(out, [[3.5, 49.5, 1.0], [3.5, 1.0, 1.0]])


def test_a_column_named_like_a_marker_still_gets_names():
    # the union of values and markers names its outputs only when their names differ: prefixed inside,
    # the prefixes off outside; the repeat is for the job to resolve (automl's unique_names)
    X = pd.DataFrame({"A": [1.5, np.nan, 3.5, 5.5] * 25, "A_WASNULL": np.arange(100.0),
                      "imputer__B": np.arange(100.0)})
    plan, fitted = featurize(X)
    assert fitted.get_feature_names_out().tolist() == ["A", "A_WASNULL", "imputer__B", "A_WASNULL"]
    np.testing.assert_array_equal(fitted.transform(X)[:, 3], np.isnan(X["A"]))


@pytest.mark.parametrize("strategy, expected, name", [
    ("mean", (4 * 1.5 + 2 * 2.5 + 2 * 10.5) / 8, "MeanImputer"),
    ("median", 2.0, "MedianImputer"),
    ("most_frequent", 1.5, "ModeImputer"),
])
def test_imputer_strategies_via_transformer_params(strategy, expected, name):
    X = pd.DataFrame({"A": [1.5, 1.5, 2.5, 10.5, np.nan, 1.5, 1.5, 2.5, 10.5, np.nan] * 10})
    params = {"imputer": [{"fields": ["A"], "parameters": {"strategy": strategy}}]}
    plan, fitted = featurize(X, mode="custom", transformer_params=params)
    assert fitted.transform(pd.DataFrame({"A": [np.nan]}))[0, 0] == pytest.approx(expected)
    assert plan.summary(fitted)[0]["Transformations"] == [name, "ImputationMarker"]


def test_constant_imputation():
    X = pd.DataFrame({"A": np.r_[np.arange(99.0) + 0.5, np.nan]})
    params = {"imputer": [{"fields": ["A"], "parameters": {"strategy": "constant", "fill_value": -1}}]}
    plan, fitted = featurize(X, transformer_params=params)
    assert fitted.transform(pd.DataFrame({"A": [np.nan]}))[0, 0] == -1
    assert plan.summary(fitted)[0]["Transformations"] == ["ConstantImputer", "ImputationMarker"]


def test_no_marker_when_fit_data_had_no_missing_values():
    X = pd.DataFrame({"A": np.arange(100.0) + 0.5})
    plan, fitted = featurize(X)
    out = fitted.transform(pd.DataFrame({"A": [np.nan]}))
    assert out.shape == (1, 1) and out[0, 0] == pytest.approx(50.0)
    record = plan.summary(fitted)[0]
    assert record["EngineeredFeatureCount"] == 1 and record["Transformations"] == ["MeanImputer"]


def test_all_missing_column_in_a_fold_keeps_the_shape():
    X = pd.DataFrame({"A": np.arange(100.0) + 0.5, "B": np.arange(100.0) * 2 + 0.1})
    plan = plan_featurization(X)
    fold = X.assign(A=np.nan)
    out = plan.build().fit(fold).transform(fold)
    assert out.shape == (100, 3)
    np.testing.assert_array_equal(out[:, 0], 0.0)


def test_timeseries_imputes_with_median_by_default():
    X = pd.DataFrame({"A": np.r_[np.arange(99.0) ** 2, np.nan]})
    plan, fitted = featurize(X, is_timeseries=True)
    assert plan.summary(fitted)[0]["Transformations"][0] == "MedianImputer"
