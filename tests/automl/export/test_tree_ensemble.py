"""Opset-3 tree ensembles rewritten as opset 5's ``TreeEnsemble`` compute what they computed."""
from __future__ import annotations

import numpy as np
import onnxruntime as ort
import pytest
from onnx import ModelProto
from sklearn.pipeline import Pipeline

from automl.algorithms import CLASSIFICATION, REGRESSION
from automl.export._adapt import adapt
from automl.export._converters import register_converters
from automl.export._tree_attributes import MAX_CLASS_COPIES
from automl.export._tree_ensemble import ML_DOMAIN, TREE_ENSEMBLE_OPSET, to_tree_ensemble

TREES = ["LightGBM", "XGBoostClassifier", "CatBoostClassifier", "RandomForest", "ExtremeRandomTrees",
         "GradientBoosting", "DecisionTree"]
REGRESSION_TREES = ["LightGBM", "XGBoostRegressor", "CatBoostRegressor", "RandomForest", "ExtremeRandomTrees",
                    "GradientBoosting", "DecisionTree"]
SMALL = {"n_estimators": 8, "iterations": 8}


@pytest.fixture(scope="module")
def X() -> np.ndarray:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 5))
    X[rng.random(X.shape) < 0.05] = np.nan  # LightGBM and XGBoost send missing values down a branch
    return X


def _fit(table, name: str, X: np.ndarray, y: np.ndarray) -> Pipeline:
    algorithm = table[name]
    params = {k: v for k, v in SMALL.items() if k in algorithm.make_estimator().get_params()}
    learner = algorithm.make_estimator(params)
    filled = np.nan_to_num(X) if name in ("RandomForest", "ExtremeRandomTrees", "GradientBoosting",
                                          "DecisionTree") else X
    return Pipeline([("learner", learner.fit(filled, y))])


def _convert(pipeline: Pipeline, classifier: bool) -> ModelProto:
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import DoubleTensorType

    from automl.export._convert import TARGET_OPSET

    register_converters()
    options = {id(pipeline): {"zipmap": False}} if classifier else {}
    adapt(pipeline, options, False)
    return convert_sklearn(pipeline, initial_types=[("x", DoubleTensorType([None, 5]))], options=options,
                           target_opset=TARGET_OPSET)


def _run(model: ModelProto, X: np.ndarray) -> list[np.ndarray]:
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, {"x": X})


def _rewritten(model: ModelProto) -> ModelProto:
    upgraded = to_tree_ensemble(model)
    assert upgraded is not None and upgraded is not model
    assert {n.op_type for n in upgraded.graph.node} & {"TreeEnsembleClassifier", "TreeEnsembleRegressor"} == set()
    assert {o.domain: o.version for o in upgraded.opset_import}[ML_DOMAIN] == TREE_ENSEMBLE_OPSET
    for node in upgraded.graph.node:
        if node.op_type == "TreeEnsemble":
            _assert_no_root_looks_like_a_leaf(node)
    return upgraded


def _assert_no_root_looks_like_a_leaf(node) -> None:
    """onnxruntime 1.21 to 1.23 score a tree whose root has equal true and false branch numbers as a
    single leaf (the suite runs a later onnxruntime, which does not: this checks the layout itself)."""
    attributes = {a.name: np.asarray(a.ints) for a in node.attribute if a.ints}
    roots = attributes["tree_roots"]
    assert np.all(attributes["nodes_truenodeids"][roots] != attributes["nodes_falsenodeids"][roots])


LABELS = {
    "two classes": lambda X: (X[:, 0] + X[:, 1] > 0).astype(int),
    "three classes": lambda X: np.digitize(np.nan_to_num(X[:, 0]) + X[:, 2], [-0.5, 0.5]),
    "string classes": lambda X: np.array(["low", "high", "mid"])[np.digitize(np.nan_to_num(X[:, 1]), [-0.3, 0.6])],
}


@pytest.mark.parametrize("labels", list(LABELS))
@pytest.mark.parametrize("name", TREES)
def test_classifier_gives_the_same_labels_and_probabilities(name, labels, X):
    y = LABELS[labels](np.nan_to_num(X))
    model = _convert(_fit(CLASSIFICATION, name, X, y), classifier=True)
    before_label, before_probabilities = _run(model, X)
    after_label, after_probabilities = _run(_rewritten(model), X)
    np.testing.assert_array_equal(after_label, before_label)
    np.testing.assert_allclose(after_probabilities, before_probabilities, rtol=0, atol=1e-6)
    assert np.ptp(after_probabilities[:, -1]) > 0.1  # the trees do separate the rows


@pytest.mark.parametrize("name", REGRESSION_TREES)
def test_regressor_gives_the_same_values(name, X):
    y = np.nan_to_num(X[:, 0]) * 3 + np.nan_to_num(X[:, 1])
    model = _convert(_fit(REGRESSION, name, X, y), classifier=False)
    before, = _run(model, X)
    after, = _run(_rewritten(model), X)
    np.testing.assert_allclose(after, before, rtol=1e-6, atol=1e-6)
    assert np.std(after) > 0.5


def test_a_booster_graph_is_a_third_of_its_size(X):
    y = LABELS["two classes"](np.nan_to_num(X))
    model = _convert(_fit(CLASSIFICATION, "CatBoostClassifier", X, y), classifier=True)
    assert len(_rewritten(model).SerializeToString()) < 0.4 * len(model.SerializeToString())


def test_a_forest_of_many_classes_keeps_opset_3(X):
    """A forest's leaf holds every class's weight; past MAX_CLASS_COPIES classes copying the trees
    once per class would cost more than opset 3 does."""
    y = np.arange(len(X)) % (MAX_CLASS_COPIES + 1)
    model = _convert(_fit(CLASSIFICATION, "RandomForest", X, y), classifier=True)
    assert to_tree_ensemble(model) is None


@pytest.mark.parametrize("table", [CLASSIFICATION, REGRESSION], ids=["classifier", "regressor"])
def test_trees_that_are_a_single_leaf_go_to_the_base_values(table, X):
    """A bootstrap sample without the one negative row grows a tree without a branch; opset 5 has no
    such tree, so its weight is added after the sum."""
    from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor

    rows = X[:8].copy()
    rows[np.isnan(rows)] = 0.0
    y = np.array([1, 1, 1, 1, 1, 1, 1, 0])
    forest = (RandomForestClassifier if table is CLASSIFICATION else RandomForestRegressor)(
        n_estimators=30, random_state=0).fit(rows, y)
    single = sum(tree.tree_.node_count == 1 for tree in forest.estimators_)
    assert 0 < single < 30
    model = _convert(Pipeline([("learner", forest)]), classifier=table is CLASSIFICATION)
    feed = np.nan_to_num(X)
    before, after = _run(model, feed), _run(_rewritten(model), feed)
    for old, new in zip(before, after):
        if old.dtype.kind in "fc":
            np.testing.assert_allclose(new, old, rtol=0, atol=1e-6)
        else:
            np.testing.assert_array_equal(new, old)
    assert np.ptp(after[-1]) > 0.1


def _tree_ops(model: ModelProto) -> set[str]:
    return {n.op_type for n in model.graph.node if n.op_type.startswith("TreeEnsemble")}


def _ml_opset(model: ModelProto) -> int:
    return {o.domain: o.version for o in model.opset_import}[ML_DOMAIN]


def test_a_vote_of_boosters_and_forests_exports_in_opset_5(load, single_model, voting_model):
    from automl.export import export_onnx

    frame, target, task = load("penguins")
    members = [single_model(frame, target, task, name) for name in ("LightGBM", "RandomForest", "CatBoostClassifier")]
    X = members[0][1]
    vote = voting_model(members[0][0].steps[0][1], [(f"m{i}", Pipeline(m.steps[1:])) for i, (m, _) in
                                                     enumerate(members)], [0.5, 0.3, 0.2], task)
    exported = export_onnx(vote, None, X)  # strict: raises when the graph and Python disagree
    assert _tree_ops(exported.model) == {"TreeEnsemble"} and _ml_opset(exported.model) == TREE_ENSEMBLE_OPSET
    assert exported.check.passed and exported.check.agreement == 1.0


def test_a_vote_with_a_forest_of_many_classes_keeps_opset_3_throughout(load, single_model, voting_model):
    """The booster converts first and is rewritten; the forest cannot be, so the export starts over
    in opset 3: a graph never mixes the two."""
    from automl.export import export_onnx

    frame, _, task = load("diamonds")
    frame = frame.drop(columns="price")
    assert frame["cut"].nunique() > MAX_CLASS_COPIES
    members = [single_model(frame, "cut", "classification", name) for name in ("LightGBM", "RandomForest")]
    vote = voting_model(members[0][0].steps[0][1], [(f"m{i}", Pipeline(m.steps[1:])) for i, (m, _) in
                                                     enumerate(members)], [0.5, 0.5], "classification")
    exported = export_onnx(vote, None, members[0][1])
    assert _tree_ops(exported.model) == {"TreeEnsembleClassifier"} and _ml_opset(exported.model) == 3
    assert exported.check.passed
