import numpy as np
import pandas as pd
import pytest

from automl.errors import DataError
from automl.tasks.tabular import plan_validation, split_test


def _classes(n, minority=0.3):
    return np.where(np.arange(n) < int(n * minority), "a", "b")


@pytest.mark.parametrize("n_rows,method,n_folds", [
    (999, "cross_validation", 10),
    (1_000, "cross_validation", 3),
    (20_000, "cross_validation", 3),
    (20_001, "holdout", 1),
])
def test_auto_rule_boundaries(n_rows, method, n_folds):
    plan = plan_validation(n_rows, None)
    assert plan.auto and plan.method == method and plan.n_folds == n_folds


def test_auto_holdout_is_ten_percent_and_refits_on_everything():
    plan = plan_validation(30_000, None)
    assert len(plan.folds[0].valid) == 3_000
    assert len(plan.refit_rows) == 30_000


def test_cross_validation_is_stratified_and_covers_every_row_once():
    y = _classes(300)
    plan = plan_validation(300, y, n_cross_validations=5)
    valid = np.concatenate([f.valid for f in plan.folds])
    assert sorted(valid.tolist()) == list(range(300))
    for fold in plan.folds:
        assert np.mean(y[fold.valid] == "a") == pytest.approx(0.3, abs=0.02)


def test_stratification_falls_back_when_a_class_is_tiny():
    y = np.array(["a"] * 2 + ["b"] * 98)
    plan = plan_validation(100, y, n_cross_validations=5)
    assert plan.n_folds == 5


def test_validation_data_is_one_fold_after_the_training_rows():
    plan = plan_validation(100, None, n_validation_rows=20)
    assert plan.method == "validation_data"
    assert plan.folds[0].valid.tolist() == list(range(100, 120))
    assert plan.refit_rows.tolist() == list(range(100))


def test_validation_data_size_holdout_and_monte_carlo():
    assert plan_validation(200, None, validation_data_size=0.25).folds[0].valid.size == 50
    mc = plan_validation(200, None, validation_data_size=0.25, n_cross_validations=4)
    assert mc.method == "monte_carlo" and mc.n_folds == 4


def test_custom_cv_columns():
    cols = pd.DataFrame({"f1": [1, 1, 0, 0], "f2": [0, 0, 1, 1]})
    plan = plan_validation(4, None, cv_columns=cols)
    assert plan.method == "custom_cv"
    assert plan.folds[0].valid.tolist() == [2, 3] and plan.folds[1].train.tolist() == [2, 3]


def test_custom_cv_column_with_other_values_is_a_data_error():
    with pytest.raises(DataError, match="'f1' must hold 1 .* found 2"):
        plan_validation(3, None, cv_columns=pd.DataFrame({"f1": [1, 0, 2]}))


def test_test_split_is_stratified():
    frame = pd.DataFrame({"x": range(400), "t": _classes(400, 0.25)})
    train, test = split_test(frame, "t", 0.25, stratify=True)
    assert len(test) == 100 and (test["t"] == "a").sum() == 25
    assert len(train) == 300
