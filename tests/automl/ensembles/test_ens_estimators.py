"""The ensemble estimators assembled from fitted members, and the meta learner table."""
import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_classification, make_regression
from sklearn.ensemble import VotingClassifier, VotingRegressor
from sklearn.linear_model import ElasticNetCV, LinearRegression, LogisticRegression, Ridge
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MaxAbsScaler, StandardScaler
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from automl.ensembles import (
    StackEnsembleClassifier,
    StackEnsembleRegressor,
    make_meta_learner,
    make_voting_ensemble,
    meta_features,
)
from automl.ensembles._meta import cross_fit, fold_splits, holdout_splits
from automl.ensembles._stack import make_stack_ensemble
from automl.errors import ConfigError
from automl.tasks import get_task


def resolve_meta_learner(name, task, cross_validated):
    return get_task(task).meta_learner(name, cross_validated)


def member(estimator, scaler=MaxAbsScaler):
    return Pipeline([("preprocessor", scaler()), ("estimator", estimator)])


@pytest.fixture(scope="module")
def three_classes():
    X, codes = make_classification(300, 6, n_informative=4, n_classes=3, random_state=0)
    y = np.array(["bird", "cat", "dog"])[codes]
    members = [("LogisticRegression_0", member(LogisticRegression(max_iter=500), StandardScaler).fit(X, y)),
               ("DecisionTree_1", member(DecisionTreeClassifier(max_depth=3, random_state=0)).fit(X, y))]
    return X, y, members


def test_voting_classifier_from_fitted_members_matches_a_manual_weighted_average(three_classes):
    X, y, members = three_classes
    weights = np.array([0.75, 0.25])
    ensemble = make_voting_ensemble(members, weights, classes=np.unique(y))
    assert isinstance(ensemble, VotingClassifier)
    assert ensemble.voting == "soft" and ensemble.flatten_transform is False
    assert isinstance(ensemble.weights, np.ndarray) and ensemble.estimators_[0] is members[0][1]
    assert list(ensemble.named_estimators_) == ["LogisticRegression_0", "DecisionTree_1"]
    expected = 0.75 * members[0][1].predict_proba(X) + 0.25 * members[1][1].predict_proba(X)
    np.testing.assert_allclose(ensemble.predict_proba(X), expected)
    assert ensemble.classes_.tolist() == ["bird", "cat", "dog"]
    np.testing.assert_array_equal(ensemble.predict(X), ensemble.classes_[expected.argmax(axis=1)])
    loaded = pickle.loads(pickle.dumps(ensemble))
    np.testing.assert_array_equal(loaded.predict_proba(X), ensemble.predict_proba(X))


def test_voting_regressor_from_fitted_members():
    X, y = make_regression(200, 4, noise=5.0, random_state=0)
    members = [("Ridge_0", member(Ridge()).fit(X, y)),
               ("DecisionTree_1", member(DecisionTreeRegressor(max_depth=4, random_state=0)).fit(X, y))]
    ensemble = make_voting_ensemble(members, np.array([2 / 3, 1 / 3]))
    assert isinstance(ensemble, VotingRegressor)
    expected = (2 * members[0][1].predict(X) + members[1][1].predict(X)) / 3
    np.testing.assert_allclose(ensemble.predict(X), expected)


def test_members_must_know_the_job_classes(three_classes):
    X, y, members = three_classes
    partial = member(DecisionTreeClassifier(random_state=0)).fit(X[y != "dog"], y[y != "dog"])
    with pytest.raises(ValueError, match="classes"):
        make_voting_ensemble([members[0], ("DecisionTree_2", partial)], [0.5, 0.5],
                             classes=np.unique(y))
    with pytest.raises(ValueError, match="one weight per member"):
        make_voting_ensemble(members, [1.0], classes=np.unique(y))


def test_stack_from_fitted_parts_uses_the_meta_learner_on_member_probabilities(three_classes):
    X, y, members = three_classes
    Z = meta_features([m.predict_proba(X) for _, m in members])
    assert Z.shape == (len(X), 6)
    meta = LogisticRegression(max_iter=500).fit(Z, y)
    ensemble = make_stack_ensemble(members, meta, classes=np.unique(y))
    np.testing.assert_allclose(ensemble.predict_proba(X), meta.predict_proba(Z))
    np.testing.assert_array_equal(ensemble.predict(X), meta.predict(Z))
    loaded = pickle.loads(pickle.dumps(ensemble))
    np.testing.assert_array_equal(loaded.predict(X), ensemble.predict(X))


def test_stack_estimators_follow_the_scikit_learn_contract(three_classes):
    X, y, members = three_classes
    unfitted = [(name, clone(m)) for name, m in members]
    clf = StackEnsembleClassifier(unfitted, cv=3)
    assert clone(clf).get_params()["cv"] == 3
    assert clf.fit(X, y) is clf and clf.score(X, y) > 0.7
    assert clf.predict_proba(X).shape == (len(X), 3)
    Xr, yr = make_regression(150, 3, noise=1.0, random_state=0)
    reg = StackEnsembleRegressor([("Ridge_0", member(Ridge())), ("Tree_1", member(DecisionTreeRegressor()))],
                                 final_estimator=LinearRegression(), cv=3).fit(Xr, yr)
    assert reg.score(Xr, yr) > 0.9 and reg.transform(Xr).shape == (150, 2)


def test_binary_meta_features_keep_one_column_per_member():
    proba = np.array([[0.8, 0.2], [0.3, 0.7]])
    np.testing.assert_allclose(meta_features([proba, 1 - proba]), [[0.2, 0.8], [0.7, 0.3]])
    assert meta_features([np.array([1.0, 2.0])]).shape == (2, 1)


def test_meta_learner_types_and_defaults():
    assert resolve_meta_learner(None, "classification", cross_validated=False) == "LogisticRegression"
    assert resolve_meta_learner("None", "classification", cross_validated=True) == "LogisticRegressionCV"
    assert resolve_meta_learner(None, "regression", cross_validated=False) == "ElasticNet"
    assert resolve_meta_learner(None, "regression", cross_validated=True) == "ElasticNetCV"
    assert resolve_meta_learner("lightgbm_classifier", "classification", False) == "LightGBMClassifier"
    assert resolve_meta_learner("linear_regression", "regression", True) == "LinearRegression"
    with pytest.raises(ConfigError, match="not a classification meta learner"):
        resolve_meta_learner("ElasticNet", "classification", False)
    with pytest.raises(ConfigError, match="Valid values"):
        resolve_meta_learner("Ridge", "regression", False)
    learner = make_meta_learner("ElasticNetCV", {"l1_ratio": 0.9})
    assert isinstance(learner, ElasticNetCV) and learner.l1_ratio == 0.9
    with pytest.raises(ConfigError, match="stack_meta_learner_kwargs"):
        make_meta_learner("LogisticRegression", {"no_such_parameter": 1})


def test_holdout_splits_fit_each_meta_learner_on_the_given_share():
    y = np.array([0, 1] * 50)
    for share, n_pairs in ((0.2, 5), (0.5, 2), (0.75, 4)):
        pairs = holdout_splits(y, share, stratify=True)
        assert len(pairs) == n_pairs
        for fit_rows, predict_rows in pairs:
            assert not set(fit_rows) & set(predict_rows)
            assert len(fit_rows) == pytest.approx(share * len(y), abs=2)
    for fit_rows, predict_rows in fold_splits([np.arange(0, 5), np.arange(5, 10)], 10):
        assert sorted([*fit_rows, *predict_rows]) == list(range(10))


def test_cross_fit_never_predicts_a_row_with_a_meta_learner_that_saw_it():
    # The target is pure noise: a meta learner that saw a row could memorise it.
    rng = np.random.default_rng(0)
    Z = rng.normal(size=(200, 1))
    y = rng.normal(size=200)
    from sklearn.neighbors import KNeighborsRegressor

    memoriser = KNeighborsRegressor(n_neighbors=1)
    splits = holdout_splits(y, 0.5, stratify=False)
    predictions = cross_fit(memoriser, Z, y, None, splits, None)
    assert not np.allclose(predictions, y)
    assert np.corrcoef(predictions, y)[0, 1] < 0.3
