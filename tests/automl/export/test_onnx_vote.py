"""A soft vote converts one member at a time (bounded memory) and predicts like Python."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import skl2onnx
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor, VotingClassifier
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MaxAbsScaler
from sklearn.tree import DecisionTreeClassifier

import featurizers
from automl.export import onnx_feed, session, to_onnx
from automl.export._vote import is_member_wise


def _frame(rows: int = 300, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "age": rng.normal(40, 10, rows).round(1),
        "income": np.where(rng.random(rows) < 0.1, np.nan, rng.lognormal(10, 0.5, rows)),
        "city": rng.choice(["oslo", "lima", "pune"], rows),
        "vote0_score": rng.random(rows),  # named like the prefix of the members' nodes
    })


def _vote(X: pd.DataFrame, y: np.ndarray, task: str, voting_model, weights) -> Pipeline:
    datatransformer = featurizers.plan_featurization(X).build().fit(X, y)
    features = datatransformer.transform(X)
    if task == "classification":
        learners = [Pipeline([("scaler", MaxAbsScaler()), ("learner", LogisticRegression(max_iter=500))]),
                    Pipeline([("learner", DecisionTreeClassifier(max_depth=4, random_state=0))]),
                    Pipeline([("learner", RandomForestClassifier(n_estimators=5, random_state=0))])]
    else:
        learners = [Pipeline([("learner", Ridge())]),
                    Pipeline([("learner", RandomForestRegressor(n_estimators=5, random_state=0))])]
    members = [(f"m{i}", learner.fit(features, y)) for i, learner in enumerate(learners)]
    return voting_model(datatransformer, members, weights, task, y)


def _graph_outputs(model: Pipeline, X: pd.DataFrame) -> list[np.ndarray]:
    graph, kinds = to_onnx(model, X)
    return session(graph).run(None, onnx_feed(X, kinds))


@pytest.mark.parametrize("labels", [np.array(["no", "yes", "maybe"]), np.array([3, 7])], ids=["str", "int"])
def test_a_weighted_vote_of_classifiers_predicts_like_python(labels, voting_model):
    X = _frame()
    y = labels[(X["age"] > 40).astype(int) + (X["city"] == "lima") * (len(labels) - 2)]
    model = _vote(X, y, "classification", voting_model, [0.5, 0.2, 0.3])
    assert is_member_wise(model)
    label, probabilities = _graph_outputs(model, X)
    np.testing.assert_allclose(probabilities, model.predict_proba(X), atol=1e-6)
    assert probabilities.dtype == np.float64
    np.testing.assert_array_equal(label, model.predict(X))


def test_a_weighted_vote_of_regressors_predicts_like_python(voting_model):
    X = _frame()
    y = 3 * X["age"] + X["income"].fillna(0) / 1000 + (X["city"] == "pune") * 20
    model = _vote(X, y.to_numpy(), "regression", voting_model, [0.7, 0.3])
    (value,) = _graph_outputs(model, X)
    assert value.shape == (len(X), 1)
    np.testing.assert_allclose(value.ravel(), model.predict(X), rtol=1e-6)


def test_each_conversion_holds_the_featurization_or_one_member(voting_model, monkeypatch):
    """skl2onnx's memory grows with the graph it builds: it never sees the whole vote."""
    X = _frame()
    y = np.where(X["age"] > 40, "yes", "no")
    model = _vote(X, y, "classification", voting_model, [1.0, 1.0, 1.0])
    seen, convert = [], skl2onnx.convert_sklearn

    def recording(pipeline, *args, **kwargs):
        seen.append([name for name, _ in pipeline.steps])
        return convert(pipeline, *args, **kwargs)
    monkeypatch.setattr(skl2onnx, "convert_sklearn", recording)
    label, _ = _graph_outputs(model, X)
    assert seen[0] == ["datatransformer"]
    assert len(seen) == 1 + 3 and all("ensemble" not in steps for steps in seen)
    np.testing.assert_array_equal(label, model.predict(X))


def test_hard_votes_and_boolean_classes_convert_whole(voting_model):
    X = _frame()
    y = (X["age"] > 40).to_numpy()
    model = _vote(X, y, "classification", voting_model, [1.0, 1.0, 1.0])
    assert not is_member_wise(model)  # bool labels: skl2onnx's own converter types them
    ensemble = model.named_steps["ensemble"]
    hard = VotingClassifier(ensemble.estimators, voting="hard")
    assert not is_member_wise(Pipeline([("datatransformer", model.steps[0][1]), ("ensemble", hard)]))
