"""What cannot be exported says so, and a graph that does not match is never written."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.preprocessing import FunctionTransformer

from automl.errors import AutoMLError, ConfigError
from automl.export import check_onnx, export_onnx, to_onnx
from automl.tasks.tabular import TabularData


def _with_hashing(rows: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    codes = [f"c{i}" for i in rng.integers(0, 150, rows)]  # CategoricalHash without ONNX mode
    return pd.DataFrame({"code": codes, "x": rng.normal(size=rows),
                         "y": (rng.random(rows) > 0.5).astype(int)})


class Doubler(TransformerMixin, BaseEstimator):
    """A custom step no converter is registered for."""

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return X * 2


def test_unconvertible_step_is_named(single_model):
    model, X = single_model(_with_hashing(), "y", "classification", "LightGBM", onnx_compatible=False)
    model.named_steps["datatransformer"].named_transformers_["numeric"].steps.append(("doubler", Doubler()))
    with pytest.raises(ConfigError) as error:
        to_onnx(model, X)
    message = str(error.value)
    assert "'datatransformer/numeric/doubler' (Doubler)" in message
    assert "enable_onnx_compatible_models=True" in message


def test_hashing_converts_without_onnx_mode(single_model):
    """HashOneHotEncoder has a converter (onnxruntime's MurmurHash3, tests/automl/export/test_onnx_hashing.py)."""
    model, X = single_model(_with_hashing(), "y", "classification", "LightGBM", onnx_compatible=False)
    assert export_onnx(model, None, X).check.passed


def test_onnx_mode_featurization_of_the_same_data_converts(single_model):
    model, X = single_model(_with_hashing(), "y", "classification", "LightGBM", onnx_compatible=True)
    assert export_onnx(model, None, X).check.passed


def test_unknown_step_inside_a_pipeline_is_named(single_model, load):
    frame, target, task = load("diamonds")
    model, X = single_model(frame.head(200), target, task, "ElasticNet")
    model.steps.insert(1, ("custom", FunctionTransformer(np.log1p)))
    with pytest.raises(ConfigError, match=r"at step 'custom' \(FunctionTransformer\)"):
        to_onnx(model, X)


def test_only_pipelines_with_a_datatransformer():
    from sklearn.linear_model import LinearRegression

    with pytest.raises(ConfigError, match="datatransformer"):
        to_onnx(LinearRegression())


def test_a_graph_that_does_not_match_is_not_written(single_model, load, tmp_path, monkeypatch):
    frame, target, task = load("titanic")
    model, X = single_model(frame.head(300), target, task, "LogisticRegression")
    other, _ = single_model(frame.tail(300), target, task, "DecisionTree")
    graph, kinds = to_onnx(other, X)
    check = check_onnx(model, graph, kinds, X)
    assert not check.passed and check.max_abs_difference > 1e-4
    assert "FAILED" in str(check)

    import automl.export._export as export_module

    monkeypatch.setattr(export_module, "to_onnx", lambda m, X, name: (graph, kinds))
    with pytest.raises(AutoMLError, match="does not match the Python model"):
        export_onnx(model, tmp_path / "model.onnx", X)
    assert not (tmp_path / "model.onnx").exists()
    relaxed = export_onnx(model, tmp_path / "model.onnx", X, strict=False)
    assert not relaxed.check.passed and (tmp_path / "model.onnx").exists()


def test_export_needs_rows_to_check(single_model, load):
    frame, target, task = load("titanic")
    model, _ = single_model(frame.head(200), target, task, "LogisticRegression")
    with pytest.raises(ConfigError, match="raw validation rows"):
        export_onnx(model, None, None)


def test_check_rows_are_a_fixed_sample_of_the_validation_rows():
    from types import SimpleNamespace

    X = pd.DataFrame({"a": np.arange(5000)})
    folds = [SimpleNamespace(valid_rows=np.arange(1000, 4000))]
    prepared = SimpleNamespace(X=X, folds=folds)
    prepared.validation_rows = lambda: TabularData.validation_rows(prepared)
    rows = TabularData.check_rows(prepared, limit=500)
    assert len(rows) == 500 and rows["a"].between(1000, 3999).all()
    assert rows.equals(TabularData.check_rows(prepared, limit=500))
