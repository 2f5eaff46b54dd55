"""Validation split handling: the automatic rule of reference 4 and user-chosen schemes."""
from __future__ import annotations

import pandas as pd
import pytest

from guardrails import DONE, GuardrailContext, auto_validation
from guardrails._validation import check_validation


@pytest.mark.parametrize("n_rows, method, extra", [
    (999, "cross_validation", {"n_folds": 10}),
    (1000, "cross_validation", {"n_folds": 3}),
    (20_000, "cross_validation", {"n_folds": 3}),
    (20_001, "holdout", {"fraction": 0.1}),
])
def test_auto_rule_thresholds(n_rows, method, extra):
    assert auto_validation(n_rows) == {"method": method, **extra, "auto": True, "n_rows": n_rows}


def context(n_rows: int, **kwargs) -> GuardrailContext:
    return GuardrailContext(pd.DataFrame({"a": range(n_rows)}), None, "regression", **kwargs)


@pytest.mark.parametrize("n_rows, phrase", [
    (891, "10-fold cross-validation because the training data has fewer than 1,000 rows (891)"),
    (5000, "3-fold cross-validation because the training data has between 1,000 and 20,000 rows"),
    (25_000, "10% holdout validation split because the training data has more than 20,000 rows"),
])
def test_auto_description_says_what_and_why(n_rows, phrase):
    result = check_validation(context(n_rows))
    assert result.status == DONE and phrase in result.description
    assert result.details[0]["Chosen"] == "automatically"


@pytest.mark.parametrize("validation, phrase", [
    ({"method": "cross_validation", "n_folds": 5, "auto": False}, "5-fold cross-validation, as configured"),
    ({"method": "holdout", "fraction": 0.25}, "25% holdout"),
    ({"method": "validation_data"}, "the validation data you provided"),
    ({"method": "monte_carlo", "n_folds": 4, "fraction": 0.2}, "Monte Carlo"),
    ({"method": "custom_folds"}, "cv_split_column_names"),
    ({"method": "rolling_origin", "n_folds": 3, "step_size": 2}, "rolling-origin cross-validation (3 folds, step 2)"),
    ({"method": "something_new"}, "'something_new'"),
])
def test_user_schemes(validation, phrase):
    result = check_validation(context(100, validation=validation))
    assert result.status == DONE and phrase in result.description
    assert result.details[0]["Chosen"] == "by the user"


def test_auto_scheme_given_by_the_caller_keeps_its_row_count():
    result = check_validation(context(10, validation={"method": "cross_validation", "n_folds": 10,
                                                      "auto": True, "n_rows": 891}))
    assert "(891)" in result.description and result.details[0]["Training rows"] == 891


def test_forecasting_uses_rolling_origin():
    ctx = GuardrailContext(pd.DataFrame({"a": range(50)}), None, "forecasting")
    assert "rolling-origin" in check_validation(ctx).description
