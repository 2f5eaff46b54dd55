"""Every ONNX-convertible algorithm converts and predicts like Python (ONNX-mode featurization)."""
from __future__ import annotations

import numpy as np
import pytest

from automl.tasks import get_task
from automl.export import MAX_DIFFERENCE, export_onnx

ROWS = 600


def _convertible(task: str) -> list[str]:
    return [a.name for a in get_task(task).algorithms if a.onnx_convertible]


@pytest.mark.parametrize("algorithm", _convertible("classification"))
def test_classifier_parity_on_titanic(algorithm, load, single_model):
    frame, target, task = load("titanic")
    model, X = single_model(frame.head(ROWS), target, task, algorithm)
    exported = export_onnx(model, None, X)  # strict: raises when the check fails
    check = exported.check
    assert check.passed and check.rows == ROWS
    assert check.max_abs_difference <= MAX_DIFFERENCE and check.agreement >= 0.999


@pytest.mark.parametrize("algorithm", _convertible("regression"))
def test_regressor_parity_on_diamonds(algorithm, load, single_model):
    frame, target, task = load("diamonds")
    model, X = single_model(frame.head(ROWS), target, task, algorithm)
    check = export_onnx(model, None, X).check
    assert check.passed and check.max_relative_difference <= MAX_DIFFERENCE


def test_regression_random_forest_is_not_convertible_in_onnx_mode():
    assert "RandomForest" not in _convertible("regression")


def test_string_labels_of_xgboost_come_back(load, single_model):
    frame, target, task = load("adult")
    model, X = single_model(frame.head(ROWS), target, task, "XGBoostClassifier")
    exported = export_onnx(model, None, X)
    from automl.export import onnx_feed, session

    labels, _ = session(exported.model).run(None, onnx_feed(X, exported.input_kinds))
    assert set(np.asarray(labels).tolist()) <= {"<=50K", ">50K"}
    np.testing.assert_array_equal(labels, model.predict(X))


@pytest.mark.parametrize("dataset", ["titanic", "diamonds"])  # a classifier and a regressor
def test_knn_distances_use_the_cdist_kernel(dataset, load, single_model):
    # A Scan over the training rows (skl2onnx's default) made a vote with bagged KNN members score
    # 10,000 rows at 62 rows/s with about 600 MB more memory; CDist computes the same distances at once.
    frame, target, task = load(dataset)
    model, X = single_model(frame.head(ROWS), target, task, "KNN")
    exported = export_onnx(model, None, X)
    ops = {node.op_type for node in exported.model.graph.node}
    assert "CDist" in ops and "Scan" not in ops
    assert exported.check.passed
