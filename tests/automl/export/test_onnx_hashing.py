"""``HashOneHotEncoder`` in ONNX (onnxruntime's ``MurmurHash3``): the hashed blocks equal scikit-learn's
``FeatureHasher`` bit for bit, and a default (not ONNX-mode) titanic job that hashes ``Cabin`` exports
and scores like Python."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import automl
import featurizers
from automl.batch import load_scorer
from automl.export import MAX_DIFFERENCE, export_onnx
from automl.export._adapt import walk
from tests.automl.export.conftest import fit_single, graph_output

#: MurmurHash3 (seed 0) of this token is -2**31: scikit-learn's special case of ``abs(h)``.
MIN_INT32_TOKEN = "kY5Y1vca"
UNICODE = ["Zürich", "東京", "São Paulo", "Ωmega"]


def _frame(n: int = 600, seed: int = 0) -> pd.DataFrame:
    """A numeric column, a high-cardinality ``city`` (missing as None and NaN), a learnable target."""
    rng = np.random.default_rng(seed)
    values = [f"c{i:03d}" for i in range(150)] + UNICODE + [MIN_INT32_TOKEN]
    weight = dict(zip(values, rng.normal(0, 2, len(values))))
    city = pd.Series(rng.choice(values, n), dtype=object)
    city[rng.random(n) < 0.05] = None
    city[rng.random(n) < 0.05] = np.nan
    x = rng.normal(size=n)
    logit = x + np.array([weight.get(c, 1.0) if isinstance(c, str) else 1.0 for c in city])
    y = np.where(logit + rng.normal(0, 0.5, n) > 0, "yes", "no")
    return pd.DataFrame({"x": x, "city": city, "y": y})


def _new_rows() -> pd.DataFrame:
    """Unseen values, missing values, unicode, the -2**31 token."""
    city = ["never seen", "東京", None, "Zürich", np.nan, MIN_INT32_TOKEN, "c007", "ünseen ü", "z" * 300]
    return pd.DataFrame({"x": np.linspace(-2, 2, len(city)), "city": pd.Series(city, dtype=object)})


@pytest.fixture(scope="module")
def hashed():
    """The frame and its fitted datatransformer, which hashes ``city``."""
    frame = _frame()
    X = frame.drop(columns="y")
    plan = featurizers.plan_featurization(X)
    assert plan.purposes["city"] == "CategoricalHash" and plan.recipes["city"] == "hash"
    return frame, X, plan.build().fit(X, frame["y"])



def test_the_hashed_blocks_equal_feature_hasher_bit_for_bit(hashed):
    _, X, transformer = hashed
    hash_step = transformer.named_transformers_["hash"]
    encoder = hash_step.named_steps["encoder"]
    assert isinstance(encoder, featurizers.HashOneHotEncoder)
    block = transformer.output_indices_["hash"]
    assert block.stop - block.start == sum(encoder.n_features_per_column_) >= 64
    for rows in (X, _new_rows()):
        graph = graph_output(transformer, rows, sparse=True)
        np.testing.assert_array_equal(graph, transformer.transform(rows).toarray())
        tokens = hash_step.named_steps["cast"].transform(rows[["city"]])
        np.testing.assert_array_equal(graph[:, block], encoder.transform(tokens).toarray())
        assert (graph[:, block].sum(axis=1) == 1).all()  # one hot per row, missing values included


def test_an_empty_string_is_hashed_as_a_missing_value(hashed):
    """The graph's string inputs have no NaN: ``""`` stands for a missing value (``__missing__``),
    as in every categorical recipe; Python hashes a raw ``""`` as itself."""
    _, _, transformer = hashed
    rows = pd.DataFrame({"x": [0.5, 0.5], "city": pd.Series(["", None], dtype=object)})
    graph = graph_output(transformer, rows, sparse=True)
    np.testing.assert_array_equal(graph[0], graph[1])
    np.testing.assert_array_equal(graph[1], transformer.transform(rows).toarray()[1])


def test_a_hashing_pipeline_exports_and_onnxruntime_predicts_like_python(hashed, tmp_path):
    import onnx

    frame, X, _ = hashed
    model, X = fit_single(frame, "y", "classification", "LogisticRegression", onnx_compatible=False)
    assert any(isinstance(step, featurizers.HashOneHotEncoder) for _, step in walk(model))
    exported = export_onnx(model, tmp_path / "m.onnx", X)
    assert exported.check.passed and exported.check.max_abs_difference <= MAX_DIFFERENCE, exported.check
    murmur = [n for n in exported.model.graph.node if n.op_type == "MurmurHash3"]
    assert [n.domain for n in murmur] == ["com.microsoft"]
    assert {a.name: a.i for a in murmur[0].attribute} == {"seed": 0, "positive": 0}
    assert {(o.domain, o.version) for o in exported.model.opset_import} >= {("com.microsoft", 1)}
    onnx.checker.check_model(exported.model)  # MLflow's onnx flavour runs the checker
    scorer = load_scorer(tmp_path / "m.onnx")
    for rows in (X, _new_rows()):
        labels, probabilities = scorer.predict_both(rows)
        assert np.abs(probabilities - model.predict_proba(rows)).max() <= MAX_DIFFERENCE
        np.testing.assert_array_equal(labels, model.predict(rows))


@pytest.mark.slow
def test_a_default_titanic_job_that_hashes_cabin_exports_like_python(load, tmp_path):
    """Default featurization (not ONNX mode) hashes ``Cabin``; its best model exports and scores alike."""
    frame, target, _ = load("titanic")
    job = automl.classification(training_data=frame, target_column_name=target, name="titanic_hash_onnx",
                                experiment_name="onnx-tests", log_verbosity="warning")
    job.set_limits(max_trials=3, max_concurrent_trials=2, enable_early_termination=False)
    job.set_training(enable_stack_ensemble=False, allowed_training_algorithms=["LightGBM", "LogisticRegression"],
                     enable_model_explainability=False)
    result = job.submit(show_progress=False)
    assert not job.training.enable_onnx_compatible_models
    summary = result.featurization_summary.set_index("RawFeatureName")
    assert "HashOneHotEncoder" in summary.loc["Cabin", "Transformations"]
    assert any(isinstance(step, featurizers.HashOneHotEncoder) for _, step in walk(result.best_model))
    exported = result.export_onnx(tmp_path / "m.onnx")
    assert exported.check.passed, exported.check
    X = result.check_rows
    assert len(X) >= 200 and X["Cabin"].isna().any()
    labels, probabilities = load_scorer(tmp_path / "m.onnx").predict_both(X)
    assert np.abs(probabilities - result.best_model.predict_proba(X)).max() <= 1e-4, exported.check
    np.testing.assert_array_equal(labels, result.best_model.predict(X))
