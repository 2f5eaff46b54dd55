"""CatBoost in the algorithms table: it predicts like the other classifiers, writes no files, and
is chosen, allowed and blocked through the same settings as every algorithm."""
from __future__ import annotations

import numpy as np
import pytest
from catboost import CatBoostClassifier

from automl.algorithms._catboost import CatBoostLabelClassifier
from automl.tasks import get_task


@pytest.fixture(scope="module")
def three_classes():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 4))
    y = np.digitize(X[:, 0] + 0.3 * rng.normal(size=300), [-0.5, 0.5]) * 10 + 7  # labels 7, 17, 27
    return X, y


def test_predicts_one_label_per_row_where_catboost_answers_a_column(three_classes):
    X, y = three_classes
    ours = CatBoostLabelClassifier(iterations=30, verbose=False, allow_writing_files=False).fit(X, y)
    theirs = CatBoostClassifier(iterations=30, verbose=False, allow_writing_files=False).fit(X, y)
    assert np.asarray(theirs.predict(X)).shape == (300, 1)
    labels = ours.predict(X)
    assert labels.shape == (300,) and set(labels) <= {7, 17, 27}
    np.testing.assert_array_equal(labels, ours.classes_[np.argmax(ours.predict_proba(X), axis=1)])
    assert np.mean(labels == y) > 0.75  # it learned the classes, not one of them


@pytest.mark.parametrize("task, name", [("classification", "cat_boost_classifier"),
                                        ("regression", "cat_boost_regressor")])
def test_table_builds_it_quiet_and_with_the_jobs_threads(task, name, three_classes, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    X, y = three_classes
    algorithm = get_task(task).algorithms[name]
    model = algorithm.make_estimator({"iterations": 20}, n_jobs=2)
    assert model.get_params()["thread_count"] == 2
    model.fit(X, y if task == "classification" else X[:, 0])
    assert list(tmp_path.iterdir()) == []  # no catboost_info folder
    # Code handed a fitted model tells a classifier by its classes_ (CatBoostRegressor has [] there).
    assert hasattr(model, "classes_") == (task == "classification")


@pytest.mark.parametrize("task, name", [("classification", "CatBoostClassifier"),
                                        ("regression", "CatBoostRegressor")])
def test_catboost_is_blocked_like_any_algorithm(task, name):
    registry = get_task(task).algorithms
    assert name not in [a.name for a in registry.select(None, [name])]
    assert [a.name for a in registry.select([name, "LightGBM"], None)] == ["LightGBM", name]
