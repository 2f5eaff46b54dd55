"""GUARDRAILS table, run_all, and the real datasets in tests/data."""
from __future__ import annotations

import doctest
import importlib

import pandas as pd
import pytest

from guardrails import ALERTED, DONE, GUARDRAILS, PASSED, GuardrailContext, format_results, run_all

NAMES = ["Validation split handling", "Missing feature values imputation",
         "High cardinality feature detection", "Constant and empty feature detection",
         "Class balancing detection", "Memory issues detection"]


def test_registry_names_and_order():
    assert list(GUARDRAILS) == NAMES


def test_run_all_skips_checks_that_do_not_apply():
    X = pd.DataFrame({"a": [1.0, 2.0, 3.0]})
    results = run_all(GuardrailContext(X, pd.Series([1.0, 2.0, 3.0]), "regression"))
    assert [r.name for r in results] == [NAMES[0], NAMES[1], NAMES[3]]
    full = run_all(GuardrailContext(X, pd.Series(["a", "b", "a"]), "classification",
                                    purposes={"a": "Numeric"}, featurized_bytes_estimate=1))
    assert [r.name for r in full] == NAMES


def status(results, name: str) -> str:
    return next(r.status for r in results if r.name == name)


def load(data_dir, name: str, target: str, **kwargs):
    X = pd.read_csv(data_dir / name, **kwargs)
    return X.drop(columns=[target]), X[target]


def test_adult_missing_values_are_imputed(data_dir):
    X, y = load(data_dir, "adult.csv.gz", "class", na_values="?")
    results = run_all(GuardrailContext(X, y, "classification"))
    assert status(results, "Missing feature values imputation") == DONE
    missing = next(r for r in results if r.name == "Missing feature values imputation")
    assert {d["Column"]: d["Missing values"] for d in missing.details} == {
        "workclass": 2799, "occupation": 2809, "native_country": 857}
    assert "10% holdout" in results[0].description
    assert status(results, "Class balancing detection") == PASSED


@pytest.mark.parametrize("name, target", [("mammography.csv", "class"),
                                          ("bank_marketing.csv.gz", "y")])
def test_imbalanced_datasets_are_alerted(data_dir, name, target):
    X, y = load(data_dir, name, target)
    results = run_all(GuardrailContext(X, y, "classification"))
    assert status(results, "Class balancing detection") == ALERTED
    assert "CLASS BALANCING" not in format_results(results)
    assert "STATUS:       ALERTED" in format_results(results)


def test_titanic_with_purposes(data_dir):
    X, y = load(data_dir, "titanic.csv", "Survived")
    purposes = {"Name": "Text", "Ticket": "Ignore", "Cabin": "CategoricalHash"}
    results = run_all(GuardrailContext(X, y, "classification", purposes=purposes))
    cardinality = next(r for r in results if r.name == "High cardinality feature detection")
    assert cardinality.status == DONE
    assert [d["Column"] for d in cardinality.details] == ["Name", "Ticket", "Cabin"]
    assert "10-fold" in results[0].description


@pytest.mark.parametrize("name", ["guardrails", "guardrails._format", "guardrails._memory", "guardrails._result",
                                  "guardrails._validation"])
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name),
                             optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0
