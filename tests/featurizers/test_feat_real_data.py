"""Featurization of the real datasets in tests/data."""
from __future__ import annotations

import uuid

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from featurizers import plan_featurization


def featurize(X: pd.DataFrame):
    plan = plan_featurization(X)
    fitted = plan.build().fit(X)
    records = {r["RawFeatureName"]: r for r in plan.summary(fitted)}
    return plan, fitted, records


@pytest.fixture(scope="module")
def titanic(data_dir) -> pd.DataFrame:
    return pd.read_csv(data_dir / "titanic.csv").drop(columns=["Survived"])


def test_adult_missing_values_become_a_category(data_dir):
    # The copy stores UCI's "?" as empty fields; na_values="?" covers the original encoding too.
    X = pd.read_csv(data_dir / "adult.csv.gz", na_values="?").drop(columns=["class"])
    assert X[["workclass", "occupation", "native_country"]].isna().sum().tolist() == [2799, 2809, 857]
    plan, fitted, records = featurize(X)
    assert plan.purposes["workclass"] == "Categorical" and plan.recipes["workclass"] == "onehot"
    assert plan.recipes["sex"] == "label" and plan.purposes["age"] == "Numeric"
    names = fitted.get_feature_names_out().tolist()
    assert "workclass___missing__" in names and "native_country___missing__" in names
    out = fitted.transform(X.head(1000))
    assert isinstance(out, np.ndarray) and np.isfinite(out).all()
    assert sum(r["EngineeredFeatureCount"] for r in records.values()) == len(names)


def test_guid_column_is_detected_as_hashes_and_dropped(titanic):
    X = titanic.copy()
    X["RowGuid"] = [str(uuid.UUID(int=(i + 1) * 2654435761)) for i in range(len(X))]
    plan, fitted, records = featurize(X)
    assert plan.purposes["RowGuid"] == "Hashes"
    assert records["RowGuid"]["Dropped"] == "Yes" and records["RowGuid"]["EngineeredFeatureCount"] == 0
    assert not any(n.startswith("RowGuid") for n in fitted.get_feature_names_out())


def test_titanic_name_is_text_with_tfidf_features(titanic):
    plan, fitted, records = featurize(titanic)
    assert plan.purposes["Name"] == "Text"
    assert records["Name"]["Transformations"] == ["StringCast", "TfIdf"]
    names = fitted.get_feature_names_out().tolist()
    assert "Name_tfidf_mrs" in names and "Name_tfidf_master" in names
    # 1-3-grams seen in at least two rows: titles, frequent first names and surnames
    assert 300 < records["Name"]["EngineeredFeatureCount"] < 1500
    assert plan.purposes["Cabin"] == "CategoricalHash" and records["Age"]["EngineeredFeatureCount"] == 2
    out = fitted.transform(titanic)
    assert sp.issparse(out) and out.shape == (891, len(names))


def test_taxis_pickup_becomes_date_parts(data_dir):
    X = pd.read_csv(data_dir / "taxis.csv.gz").drop(columns=["fare", "total"])
    plan, fitted, records = featurize(X)
    assert plan.purposes["pickup"] == "DateTime" and plan.purposes["dropoff"] == "DateTime"
    assert records["pickup"]["EngineeredFeatureCount"] == 10
    names = fitted.get_feature_names_out().tolist()
    parts = [n for n in names if n.startswith("pickup_") and not n.startswith("pickup_zone")
             and not n.startswith("pickup_borough")]
    assert parts == [f"pickup_{p}" for p in ("year", "month", "day", "dayofweek", "dayofyear",
                                             "quarter", "weekofyear", "hour", "minute", "second")]
    first = pd.Timestamp(X["pickup"].iloc[0])
    out = fitted.transform(X.head(1))
    out = out.toarray() if sp.issparse(out) else out
    assert out[0, names.index("pickup_hour")] == first.hour
    assert out[0, names.index("pickup_year")] == first.year
