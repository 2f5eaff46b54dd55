"""Bad-input catalogue, part 2: the target, validation and test data, and rows to predict.

Refusals happen in the setup step, before any trial runs, with a ``DataError`` that
names the data (``training_data``, ``validation_data``, ``test_data``, ``predict``),
the column and the fix.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from automl.errors import AutoMLError, DataError
from tests.robustness.conftest import labelled_frame, quick_job, refused


@pytest.fixture(scope="module")
def trained():
    """One small job whose model the predict cases share."""
    frame = labelled_frame()
    frame["when"] = pd.date_range("2024-01-01", periods=len(frame), freq="D")
    return quick_job(frame).submit(show_progress=False), frame.drop(columns="label")


# -- the target -------------------------------------------------------------------------------
def test_target_missing_lists_the_columns(frame):
    with refused(DataError, match=r"column 'outcome' is not in training_data.*x, colour, label"):
        quick_job(frame, target="outcome").submit(show_progress=False)


def test_target_all_missing(frame):
    frame["label"] = np.nan
    with refused(DataError, match="no rows with a value in the target column 'label'"):
        quick_job(frame).submit(show_progress=False)


def test_target_partly_missing_drops_those_rows(frame):
    frame.loc[::10, "label"] = None
    result = quick_job(frame).submit(show_progress=False)
    assert result.status == "Completed" and result.dropped_target_rows == 12


@pytest.mark.parametrize("task, value, expected", [
    ("classification", "yes", r"single class \('yes'\).*at least two"),
    ("regression", 2.0, r"same value \(2\.0\) in every row.*nothing to learn"),
], ids=["single-class", "constant-regression-target"])
def test_constant_target(frame, task, value, expected):
    frame["label"] = value
    with refused(DataError, match=expected):
        quick_job(frame, task=task).submit(show_progress=False)


def test_infinite_regression_target(frame):
    frame["label"] = frame["x"] * 2.0
    frame.loc[[3, 9], "label"] = np.inf
    with refused(DataError, match=r"'label' of training_data holds 2 infinite value\(s\).*Replace"):
        quick_job(frame, task="regression").submit(show_progress=False)


def test_text_regression_target(frame):
    with refused(DataError, match=r"numeric target.*'label'.*automl.classification"):
        quick_job(frame, task="regression").submit(show_progress=False)


# -- validation and test data -----------------------------------------------------------------
@pytest.mark.parametrize("role", ["validation_data", "test_data"])
def test_other_data_missing_a_column(frame, role):
    other = labelled_frame(60).drop(columns="colour")
    with refused(DataError, match=rf"{role} lacks the training column\(s\) 'colour'.*same columns"):
        quick_job(frame, **{role: other}).submit(show_progress=False)


@pytest.mark.parametrize("role", ["validation_data", "test_data"])
def test_other_data_with_extra_columns_and_new_categories(frame, role):
    other = labelled_frame(60).assign(extra=1.0, colour=["red", "purple", "teal"] * 20)
    result = quick_job(frame, **{role: other}).submit(show_progress=False)
    assert result.status == "Completed"
    assert "extra" not in set(result.featurization_summary["RawFeatureName"])
    if role == "test_data":  # scored on the rows given, new categories as unknown: as predict sees them
        predicted = result.predict(other.drop(columns="label"))
        assert result.test_metrics["accuracy"] == pytest.approx(float(np.mean(predicted == other["label"])))
    else:
        assert result.validation["method"] == "validation_data"


@pytest.mark.parametrize("role", ["validation_data", "test_data"])
def test_other_data_with_numbers_stored_as_text(frame, role):
    other = labelled_frame(60)
    other["x"] = [f"{v:,.1f}" for v in other["x"]]
    result = quick_job(frame, **{role: other}).submit(show_progress=False)
    assert result.status == "Completed"
    # The label is "yes" when x > 25 or the colour is red: a tree that sees x as numbers gets every row
    # right, and one that saw x silently turned into missing values could not.
    scored = result.test_metrics if role == "test_data" else result.best_trial.metrics
    assert scored["accuracy"] == 1.0


@pytest.mark.parametrize("role", ["validation_data", "test_data"])
def test_other_data_with_text_in_a_numeric_column(frame, role):
    other = labelled_frame(60)
    other["x"] = other["x"].astype(object)
    other.loc[[2, 5], "x"] = "n/a?"
    with refused(DataError, match=rf"{role}: column 'x' is numeric in training_data but holds 2 "
                                        r"value\(s\) that are not numbers \('n/a\?'\)"):
        quick_job(frame, **{role: other}).submit(show_progress=False)


def test_validation_labels_of_another_type_are_converted(frame):
    frame["label"] = (frame["label"] == "yes").astype(int)
    other = labelled_frame(60)
    other["label"] = (other["label"] == "yes").astype(int).astype(str)      # "1" / "0"
    result = quick_job(frame, validation_data=other).submit(show_progress=False)
    assert result.status == "Completed" and set(result.predict(other.drop(columns="label"))) <= {0, 1}


@pytest.mark.parametrize("role", ["validation_data", "test_data"])
def test_other_data_with_a_class_training_lacks(frame, role):
    other = labelled_frame(60)
    other.loc[[1, 4], "label"] = "maybe"
    with refused(DataError, match=rf"{role}: the target column 'label' holds class\(es\) that "
                                        r"training_data does not have \('maybe'"):
        quick_job(frame, **{role: other}).submit(show_progress=False)


# -- predict ----------------------------------------------------------------------------------
def test_predict_on_reordered_columns(trained):
    result, X = trained
    reordered = X[X.columns[::-1]]
    np.testing.assert_array_equal(result.predict(reordered), result.best_model.predict(X))


def test_predict_ignores_extra_columns(trained):
    result, X = trained
    np.testing.assert_array_equal(result.predict(X.assign(extra="?", label="yes")),
                                  result.best_model.predict(X))


def test_predict_names_missing_columns(trained):
    result, X = trained
    with refused(DataError, match=r"predict: the rows lack the training column\(s\) 'colour', "
                                        r"'when'.*extra columns are ignored"):
        result.predict(X.drop(columns=["colour", "when"]))


def test_predict_on_unseen_categories_and_odd_values(trained):
    result, X = trained
    odd = X.head(6).assign(colour=["purple", None, "RED", "", "red", "blue"],
                           x=[np.inf, np.nan, "7", -1e300, 3, "abc"],
                           when=["not a date", None, "2024-02-30", "2024-03-01", "", "2024-01-05"])
    predictions = result.predict(odd)
    assert len(predictions) == 6 and set(predictions) <= {"yes", "no"}


def test_predict_on_dicts_and_refuses_bare_arrays(trained):
    result, X = trained
    rows = X.head(3).to_dict(orient="records")
    np.testing.assert_array_equal(result.predict(rows), result.best_model.predict(X.head(3)))
    with refused(DataError, match="expected a pandas DataFrame.*named columns"):
        result.predict(X.head(3).to_numpy())


def test_featurize_names_missing_columns(trained):
    result, X = trained
    with refused(DataError, match=r"featurize: the rows lack the training column\(s\) 'x'"):
        result.featurize(X.drop(columns="x"))


def test_predict_without_a_model_says_why(frame):
    from automl.testing import registered_test_algorithm

    with registered_test_algorithm("classification", "Raiser", "raise"):
        result = quick_job(frame, algorithms=("Raiser",)).submit(show_progress=False)
    assert result.status == "Failed" and "failed on purpose" in result.trials[0].error
    with refused(AutoMLError, match="no model to predict with.*leaderboard"):
        result.predict(frame)
