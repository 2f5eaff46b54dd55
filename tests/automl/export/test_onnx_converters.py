"""The custom converters, one transformer at a time, against the Python transformers."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline

import featurizers
from automl.algorithms._xgboost import XGBoostLabelClassifier
from automl.export import export_onnx, onnx_feed, session
from featurizers._text import build_tfidf
from tests.automl.export.conftest import fit_single, graph_output



def _both(step, X: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    ct = ColumnTransformer([("step", step, list(X.columns))]).fit(X)
    python = ct.transform(X)
    python = python.toarray() if sp.issparse(python) else np.asarray(python)
    return python, graph_output(ct, X)


def test_numeric_cast_imputer_and_marker():
    X = pd.DataFrame({"a": [1.5, np.nan, np.inf, -2.0, 7.925],
                      "b": pd.array([1, None, 3, 4, 5], dtype="Int64")})
    from featurizers._recipes import RECIPES

    python, graph = _both(RECIPES["numeric"].build({"strategy": "mean"}, False), X)
    assert python.shape == (5, 4)  # two values, two markers
    np.testing.assert_array_equal(graph, python)  # bit for bit, in double


@pytest.mark.parametrize("recipe", ["label", "onehot"])
def test_categorical_recipes_fill_missing_strings(recipe):
    from featurizers._recipes import RECIPES

    X = pd.DataFrame({"c": ["x", None, "y", "x", "z", None, "x"], "n": [1, 2, 1, 3, 1, 1, 2]})
    step = RECIPES[recipe].build({}, False)
    ct = ColumnTransformer([("s", step, ["c", "n"])]).fit(X)
    unseen = pd.DataFrame({"c": ["never seen", None, "y"], "n": [9, 2, np.nan]})
    for rows in (X, unseen):
        np.testing.assert_array_equal(graph_output(ct, rows), ct.transform(rows))


def test_tfidf_variants_in_double():
    texts = pd.DataFrame({"t": ["The quick brown fox", "a b c quick", None, "Ünïcode WÖRDS here",
                                "fox fox fox jumps", "brown dog", "quick quick brown", "__"]})
    for params in ({"ngram_range": (1, 2)}, {"sublinear_tf": True, "norm": "l1"},
                   {"use_idf": False}, {"binary": True, "ngram_range": (1, 3)}):
        python, graph = _both(build_tfidf(params), texts)
        np.testing.assert_allclose(graph, python, rtol=1e-12, atol=1e-12)


def test_an_empty_string_is_read_as_missing():
    """The graph's string inputs have no NaN: ``""`` stands for a missing value."""
    X = pd.DataFrame({"t": ["a b", None, "b c", "a c"] * 3})
    python, graph = _both(build_tfidf({"min_df": 1}), X)
    np.testing.assert_allclose(graph, python, atol=1e-12)
    empty = pd.DataFrame({"t": ["", None]})
    ct = ColumnTransformer([("s", build_tfidf({"min_df": 1}), ["t"])]).fit(X)
    out = graph_output(ct, empty)
    np.testing.assert_array_equal(out[0], out[1])  # both the __missing__ token


def test_date_parts_are_exact():
    rng = np.random.default_rng(1)
    seconds = rng.integers(-80 * 365 * 86400, 130 * 365 * 86400, 400)
    stamps = pd.Series(pd.to_datetime(seconds, unit="s")).dt.strftime("%Y-%m-%d %H:%M:%S").astype(object)
    stamps.iloc[::17] = None
    stamps.iloc[1] = "2024-02-29 23:59:59"   # leap day
    stamps.iloc[2] = "2021-01-03 00:00:00"   # ISO week 53 of 2020
    stamps.iloc[3] = "1969-12-31 23:59:59"   # the second before the epoch
    python, graph = _both(featurizers.DateTimeFeatures(), pd.DataFrame({"when": stamps}))
    np.testing.assert_array_equal(graph, python)


@pytest.mark.parametrize("labels", [np.array(["no", "maybe", "yes"]), np.array([3, 7, 11])])
def test_xgboost_label_classifier_keeps_the_original_labels(labels):
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=300), "b": rng.normal(size=300)})
    y = labels[(X["a"] > 0).astype(int) + (X["b"] > 0.5).astype(int)]
    numeric = featurizers.plan_featurization(X).build().fit(X)
    est = XGBoostLabelClassifier(n_estimators=15, max_depth=3, tree_method="hist")
    est.fit(numeric.transform(X), y)
    model = Pipeline([("datatransformer", numeric), ("estimator", est)])
    exported = export_onnx(model, None, X)
    labels_out, proba = session(exported.model).run(None, onnx_feed(X, exported.input_kinds))
    np.testing.assert_array_equal(labels_out, model.predict(X))
    assert exported.check.max_abs_difference < 1e-6


def test_xgboost_trained_on_sparse_features_reads_zeros_as_missing(load, single_model):
    frame, target, task = load("titanic")  # a TF-IDF column makes the features sparse
    model, X = single_model(frame, target, task, "XGBoostClassifier")
    assert model.named_steps["datatransformer"].sparse_output_
    exported = export_onnx(model, None, X)
    assert "Where" in {n.op_type for n in exported.model.graph.node}
    assert exported.check.max_abs_difference < 1e-5


def test_inputs_keep_the_column_names_skl2onnx_would_rewrite():
    """bank_marketing's ``emp.var.rate``: the graph's input is named like the column, so the feed fits."""
    from automl.export._convert import to_onnx

    rng = np.random.default_rng(0)
    X = pd.DataFrame({"emp.var.rate": rng.normal(size=200), "job title": rng.choice(["a", "b"], 200),
                      "plain": rng.normal(size=200)})
    y = (X["emp.var.rate"] > 0).astype(int).to_numpy()
    model, X = fit_single(X.assign(y=y), "y", "classification", "LogisticRegression")
    graph, kinds = to_onnx(model, X)
    sess = session(graph)
    assert [i.name for i in sess.get_inputs()] == ["emp.var.rate", "job title", "plain"]
    proba = sess.run(["probabilities"], onnx_feed(X, kinds))[0]
    assert np.abs(proba - model.predict_proba(X)).max() < 1e-5


def test_a_small_frame_is_fed_exactly_like_a_large_one():
    """Single rows take the direct path for plain columns; the feed must not change."""
    rng = np.random.default_rng(0)
    n = 200
    X = pd.DataFrame({
        "float": np.where(rng.random(n) < 0.1, np.nan, rng.normal(size=n) * 1e39),  # beyond float32 too
        "int": rng.integers(0, 5, n), "text": rng.choice(["a", "b b", "1"], n),
        "text_missing": pd.Series(rng.choice(["x", None], n), dtype="str"),
        "category": pd.Categorical(rng.choice(["u", "v"], n)),
        "numbers_as_text": rng.choice(["1,000", "2.5", "n/a"], n),
        "object_mixed": pd.Series([1.0 if i % 3 else "z" for i in range(n)], dtype=object),
    })
    kinds = {"float": "number", "int": "number", "text": "string", "text_missing": "string",
             "category": "string", "numbers_as_text": "number", "object_mixed": "string"}
    large = onnx_feed(X, kinds)
    for start in range(0, n, 7):
        rows = X.iloc[start:start + 3]
        for object_strings in (False, True):
            small = onnx_feed(rows, kinds, object_strings=object_strings)
            for column, kind in kinds.items():
                expected = large[column][start:start + 3]
                if kind == "number":
                    np.testing.assert_array_equal(small[column], expected)
                else:
                    assert small[column].tolist() == expected.tolist()
                    assert (small[column].dtype == object) == object_strings


@pytest.mark.parametrize("task, algorithm", [("classification", "LightGBM"), ("regression", "LightGBM"),
                                             ("classification", "LogisticRegression")])
def test_raw_columns_named_like_the_outputs_are_fed_to_renamed_inputs(task, algorithm):
    """Columns ``label``, ``probabilities`` and ``variable``: ONNX names are unique in a graph, so their
    inputs are ``label_input`` ... and the outputs keep their names; the feeds key by input name."""
    from automl.batch import OnnxScorer
    from automl.export import graph_input_names, plain_feed

    rng = np.random.default_rng(0)
    X = pd.DataFrame({"label": rng.choice(["a", "b"], 300), "probabilities": rng.normal(size=300),
                      "variable": rng.normal(size=300), "label_input": rng.normal(size=300)})
    signal = X["variable"] + X["probabilities"] + (X["label"] == "a")
    y = (signal > 0.5).map({True: "yes", False: "no"}) if task == "classification" else signal
    model, X = fit_single(X.assign(target=y), "target", task, algorithm)
    exported = export_onnx(model, None, X, strict=True)
    sess = session(exported.graph)
    assert [i.name for i in sess.get_inputs()] == ["label__input", "probabilities_input", "variable_input",
                                                   "label_input"]
    assert [o.name for o in sess.get_outputs()] == (["label", "probabilities"] if task == "classification"
                                                    else ["variable"])
    scorer = OnnxScorer(exported.model)
    if task == "classification":
        np.testing.assert_array_equal(scorer.predict(X), model.predict(X))
    else:  # a tree ensemble's values are float32 in ONNX: the export check's tolerance
        np.testing.assert_allclose(scorer.predict(X), model.predict(X), atol=1e-5)
    one = X.iloc[:1]
    feed = plain_feed(list(one.columns), one.to_numpy(dtype=object).tolist(), exported.input_kinds)
    assert set(feed) == set(graph_input_names(exported.input_kinds).values())
    np.testing.assert_array_equal(scorer.labels_and_probabilities(scorer.run(feed))[0], scorer.predict(one))
