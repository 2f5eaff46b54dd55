"""Models that grow with the data are capped from it, and their estimated size is what they take."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import make_regression

from automl.algorithms import CLASSIFICATION, REGRESSION, fit_pipeline, make_pipeline
from automl.algorithms._model_size import MAX_MODEL_BYTES, MIN_LEAVES, ForestSize, TrainingDataSize
from automl.core import serialized_bytes

MIB = 2**20


@pytest.fixture(scope="module")
def rows():
    X, y = make_regression(n_samples=20_000, n_features=8, noise=5.0, random_state=0)
    return X, y


@pytest.mark.parametrize("name", ["RandomForest", "ExtremeRandomTrees"])
def test_a_forest_fitted_with_its_cap_stays_within_the_bytes_and_near_its_estimate(rows, name):
    X, y = rows
    algorithm = REGRESSION[name]
    uncapped = fit_pipeline(make_pipeline(algorithm, {"n_estimators": 20}), algorithm, X, y)
    capped = fit_pipeline(make_pipeline(algorithm, {"n_estimators": 20}, n_rows=len(X)), algorithm, X, y)
    # Twenty unbounded trees on 20,000 rows pass the default cap (32 MiB); capped, they keep to it.
    assert serialized_bytes(uncapped) > MAX_MODEL_BYTES >= serialized_bytes(capped) > 0.5 * MAX_MODEL_BYTES
    few = fit_pipeline(make_pipeline(algorithm, {"n_estimators": 3}, n_rows=len(X)), algorithm, X, y)
    assert few[-1].max_leaf_nodes is None   # small enough: nothing to cap
    params = algorithm.sized_params({"n_estimators": 20}, len(X), max_bytes=2 * MIB)
    small = fit_pipeline(make_pipeline(algorithm, params), algorithm, X, y)
    estimate = algorithm.size.estimate(params, len(X))
    assert 0.5 * 2 * MIB <= serialized_bytes(small) <= estimate <= 2 * MIB


def test_the_estimate_of_an_uncapped_forest_is_an_upper_bound_of_its_size(rows):
    X, y = rows
    algorithm = REGRESSION["ExtremeRandomTrees"]
    model = fit_pipeline(make_pipeline(algorithm, {"n_estimators": 10}), algorithm, X, y)
    estimate = algorithm.size.estimate({"n_estimators": 10}, len(X))
    assert serialized_bytes(model) <= estimate <= 2 * serialized_bytes(model)


def test_past_the_leaf_floor_a_forest_keeps_fewer_trees():
    capped = ForestSize().cap({"n_estimators": 1000}, 1_000_000, n_values=2)
    assert capped["max_leaf_nodes"] == MIN_LEAVES and capped["n_estimators"] < 1000
    assert ForestSize().estimate(capped, 1_000_000, n_values=2) <= MAX_MODEL_BYTES
    # A cap the user's own parameters already keep is left as it is.
    assert ForestSize().cap({"n_estimators": 10, "max_leaf_nodes": 50}, 1_000_000) == {
        "n_estimators": 10, "max_leaf_nodes": 50}


def test_classes_widen_every_node_of_a_classifier_forest():
    two = ForestSize().estimate({"n_estimators": 100}, 40_000, n_values=2)
    ten = ForestSize().estimate({"n_estimators": 100}, 40_000, n_values=10)
    assert ten > two
    assert ForestSize().estimate(ForestSize().cap({"n_estimators": 100}, 40_000, 10), 40_000, 10) <= MAX_MODEL_BYTES


def test_nearest_neighbours_keep_their_training_data_and_boosters_are_not_counted():
    knn = CLASSIFICATION["KNN"].model_bytes({}, 10_000, n_features=20)
    assert knn == TrainingDataSize().estimate({}, 10_000, 1, 20)
    assert CLASSIFICATION["KNN"].model_bytes({}, 10_000, n_features=20) == 10_000 * 20 * 8
    assert CLASSIFICATION["LightGBM"].model_bytes({}, 10_000_000) == 0
    assert CLASSIFICATION["LightGBM"].sized_params({"num_leaves": 8}, 10_000_000)["num_leaves"] == 8


def test_the_cap_scales_with_the_rows():
    leaves = [ForestSize().cap({"n_estimators": 100}, n).get("max_leaf_nodes") for n in (1_000, 100_000, 1_000_000)]
    assert leaves[0] is None and leaves[1] == leaves[2]
    sizes = [ForestSize().estimate(ForestSize().cap({"n_estimators": 100}, n), n) for n in (50_000, 1_000_000)]
    assert max(sizes) <= MAX_MODEL_BYTES
    assert np.isclose(sizes[0], sizes[1], rtol=0.01)


@pytest.mark.parametrize("depth", [4, 7])
def test_catboost_counts_the_nodes_its_symmetric_trees_export_to(depth, tmp_path):
    """CatBoost pickles a symmetric tree as one split per level; its ONNX graph holds every node.
    The fitted size counts those nodes, as a scikit-learn tree of as many nodes pickles."""
    import onnx

    from automl.algorithms._catboost import CatBoostLabelClassifier
    from automl.algorithms._model_size import NODE_BYTES, fitted_model_bytes

    rng = np.random.default_rng(0)
    X = rng.normal(size=(2000, 6))
    y = (X[:, 0] + X[:, 1] * X[:, 2] + 0.3 * rng.normal(size=2000) > 0).astype(int)
    model = CatBoostLabelClassifier(iterations=60, depth=depth, verbose=False, allow_writing_files=False,
                                    thread_count=1).fit(X, y)
    model.save_model(str(tmp_path / "model.onnx"), format="onnx")
    graph = onnx.load(str(tmp_path / "model.onnx")).graph
    trees = next(n for n in graph.node if n.op_type.startswith("TreeEnsemble"))
    exported = len(next(a for a in trees.attribute if a.name == "nodes_nodeids").ints)
    assert 0.9 * 60 * (2 ** (depth + 1) - 1) <= exported <= 60 * (2 ** (depth + 1) - 1)
    assert fitted_model_bytes(model) == exported * (NODE_BYTES + 8 * 2)
    assert fitted_model_bytes(model) > 4 * serialized_bytes(model)  # what the pickle alone would count


def test_other_models_count_their_pickled_size(rows):
    from sklearn.ensemble import RandomForestRegressor

    from automl.algorithms._model_size import fitted_model_bytes

    X, y = rows
    forest = RandomForestRegressor(n_estimators=5, max_leaf_nodes=64, random_state=0).fit(X[:2000], y[:2000])
    assert fitted_model_bytes(forest) == serialized_bytes(forest)
