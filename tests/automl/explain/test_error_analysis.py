"""The error tree's node figures equal a direct recount of each node's rule on the raw rows."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from automl.errors import DataError
from automl.explain import analyse_errors, prediction_errors


@pytest.fixture(scope="module")
def rows() -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(0)
    n = 1000
    X = pd.DataFrame({"age": np.where(rng.random(n) < 0.1, np.nan, rng.integers(18, 80, n).astype(float)),
                      "sector": rng.choice(["public", "private", "self"], n),
                      "noise": rng.normal(size=n)})
    # The model errs mostly on the old in the private sector, and on missing ages.
    risky = ((X["age"] > 60) & (X["sector"] == "private")) | X["age"].isna()
    errors = rng.random(n) < np.where(risky, 0.7, 0.05)
    return X, errors


def _holds(X: pd.DataFrame, rule) -> np.ndarray:
    keep = np.ones(len(X), dtype=bool)
    for column, op, value in rule:
        values = X[column]
        if op == "==":
            keep &= (values.astype("string").fillna("(missing)") == value).to_numpy()
        elif op == "!=":
            keep &= (values.astype("string").fillna("(missing)") != value).to_numpy()
        else:
            below = (values <= value).to_numpy() if op.startswith("<=") else (values > value).to_numpy()
            keep &= below | (values.isna().to_numpy() if op.endswith("or missing") else False)
    return keep


def test_node_rates_equal_a_recount_on_the_rows(rows):
    X, errors = rows
    analysis = analyse_errors(X, errors, "a wrong class")
    nodes = analysis.nodes
    assert nodes.iloc[0]["rows"] == len(X) and nodes.iloc[0]["error_rate"] == pytest.approx(errors.mean())
    for node in nodes.itertuples():
        inside = _holds(X, node.rule)
        assert inside.sum() == node.rows, node.rule
        assert errors[inside].sum() == node.errors
        assert node.error_rate == pytest.approx(errors[inside].mean())
        assert node.error_coverage == pytest.approx(errors[inside].sum() / errors.sum())
    leaves = nodes[nodes["leaf"]]
    assert leaves["rows"].sum() == len(X)
    worst = leaves.sort_values("error_rate").iloc[-1]
    assert worst["error_rate"] > 0.5 and any(c == "age" for c, _, _ in worst["rule"])


def test_the_heatmap_is_the_error_rate_per_cell(rows):
    X, errors = rows
    analysis = analyse_errors(X, errors, "a wrong class", columns=["sector", "age"])
    private = analysis.heatmap.loc["private"]
    cell = (X["sector"] == "private").to_numpy() & X["age"].isna().to_numpy()
    assert private["(missing)"] == pytest.approx(errors[cell].mean())
    assert analysis.heatmap_rows.to_numpy().sum() == len(X)


def test_regression_errors_are_the_largest_absolute_errors():
    errors, definition = prediction_errors([1.0, 2.0, 3.0, 10.0], [1.0, 2.5, 3.0, 4.0], classes=False, percentile=75)
    assert errors.tolist() == [False, False, False, True] and "75th percentile" in definition


def test_an_unknown_heatmap_column_is_named(rows):
    X, errors = rows
    with pytest.raises(DataError, match="no column 'salary'"):
        analyse_errors(X, errors, "x", columns=["salary"])
