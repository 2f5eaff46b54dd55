"""Counterfactuals: every one returned, scored again by the model, gives the prediction it claims."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.pipeline import Pipeline

from automl.algorithms import ScoringPipeline
from automl.errors import ConfigError
from automl.explain import find_counterfactuals
from featurizers import plan_featurization
from lightgbm import LGBMClassifier, LGBMRegressor


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 500
    return pd.DataFrame({"income": rng.normal(50, 15, n).round(1), "years": rng.integers(0, 30, n),
                         "sector": rng.choice(["public", "private", "self"], n),
                         "noise": rng.normal(size=n)})


def _fit(frame: pd.DataFrame, y, estimator) -> ScoringPipeline:
    transformer = plan_featurization(frame).build().fit(frame)
    model = Pipeline([("estimator", estimator)]).fit(transformer.transform(frame), y)
    return ScoringPipeline([("datatransformer", transformer), *model.steps])


def test_counterfactuals_flip_the_class_when_scored_again(frame):
    y = np.where(frame["income"] + 2 * frame["years"] + 10 * (frame["sector"] == "self") > 85, "approved", "denied")
    model = _fit(frame, y, LGBMClassifier(n_estimators=40, verbose=-1))
    rows = frame.head(6)
    found = find_counterfactuals(model, rows, frame, immutable=["sector"])
    assert len(found.changes) >= 6, "every row has a counterfactual within three columns"
    assert (found.changes["n_changed"] <= 3).all() and not found.changes["changed"].str.contains("sector").any()
    rescored = model.predict(found.rows)
    np.testing.assert_array_equal(rescored, found.changes["prediction"].to_numpy())
    assert (rescored != found.changes["original"].to_numpy()).all()
    for column in ["income", "years"]:  # within the observed range
        assert found.rows[column].between(frame[column].min(), frame[column].max()).all()
    assert set(found.rows["sector"]) <= set(frame["sector"])
    distances = found.changes.groupby("row")["distance"]
    assert (distances.apply(lambda d: d.is_monotonic_increasing)).all(), "closest first"


def test_regression_moves_into_the_range_given(frame):
    y = 2 * frame["income"] + frame["years"]
    model = _fit(frame, y, LGBMRegressor(n_estimators=40, verbose=-1))
    found = find_counterfactuals(model, frame.head(4), frame, desired_range=(150.0, 170.0))
    rescored = model.predict(found.rows)
    assert len(found.changes) and ((rescored >= 150) & (rescored <= 170)).all()
    np.testing.assert_allclose(rescored, found.changes["prediction"].to_numpy())
    with pytest.raises(ConfigError, match="desired_range"):
        find_counterfactuals(model, frame.head(1), frame)
    with pytest.raises(ConfigError, match="immutable column 'salary'"):
        find_counterfactuals(model, frame.head(1), frame, immutable=["salary"], desired_range=(0, 1))
