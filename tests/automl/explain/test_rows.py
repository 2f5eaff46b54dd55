"""Per-row explanations: exact tree contributions add up to the raw output; sampled Shapley values add
up to the output minus the base value, and find the column that matters."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from lightgbm import LGBMClassifier, LGBMRegressor
from sklearn.ensemble import VotingClassifier, VotingRegressor
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MaxAbsScaler
from xgboost import XGBClassifier

from automl.algorithms import ScoringPipeline
from automl.errors import DataError
from automl.explain import explain_rows
from featurizers import plan_featurization


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 300
    return pd.DataFrame({"signal": rng.normal(size=n), "noise": rng.normal(size=n),
                         "colour": rng.choice(["red", "blue", "green"], size=n),
                         "age": np.where(rng.random(n) < 0.1, np.nan, rng.normal(40, 10, size=n))})


def _labels(frame: pd.DataFrame) -> np.ndarray:
    return np.where(2 * frame["signal"] + (frame["colour"] == "red") > 0.3, "yes", "no")


def _model(frame: pd.DataFrame, y, *estimators) -> ScoringPipeline:
    """The featurization (the job's own), then one model or a bag of fold models (a soft vote)."""
    transformer = plan_featurization(frame).build().fit(frame)
    engineered = transformer.transform(frame)
    members = [Pipeline([("preprocessor", MaxAbsScaler()), ("estimator", e)]).fit(engineered, y) for e in estimators]
    if len(members) == 1:
        return ScoringPipeline([("datatransformer", transformer), *members[0].steps])
    vote_class = VotingClassifier if hasattr(members[0], "classes_") else VotingRegressor
    bag = vote_class([(str(i), m) for i, m in enumerate(members)], voting="soft", weights=[1.0] * len(members)) \
        if vote_class is VotingClassifier else vote_class([(str(i), m) for i, m in enumerate(members)])
    bag.fit(engineered, y)
    return ScoringPipeline([("datatransformer", transformer), ("bag", bag)])


@pytest.mark.parametrize("estimator", [LGBMClassifier(n_estimators=40, verbose=-1),
                                       XGBClassifier(n_estimators=40)], ids=["lightgbm", "xgboost"])
def test_exact_contributions_add_up_to_the_margin(frame, estimator):
    y = _labels(frame)
    model = _model(frame, (y == "yes").astype(int), estimator)
    explained = explain_rows(model, frame.head(25), frame)
    assert explained.method.startswith("exact tree contributions")
    engineered, booster = model[:-1].transform(frame.head(25)), model.steps[-1][1]
    margin = (booster.predict(engineered, raw_score=True) if isinstance(booster, LGBMClassifier)
              else booster.predict(engineered, output_margin=True))  # the boosters' own raw output
    np.testing.assert_allclose(explained.base_value + explained.contributions.sum(axis=1), margin, atol=1e-6)
    np.testing.assert_allclose(explained.output, margin, atol=1e-6)
    assert list(explained.contributions.columns) == list(frame.columns)
    assert explained.contributions["signal"].abs().mean() > 5 * explained.contributions["noise"].abs().mean()


def test_a_regression_bag_adds_up_to_its_averaged_value(frame):
    y = 3 * frame["signal"].to_numpy() + (frame["colour"] == "red")
    model = _model(frame, y, *[LGBMRegressor(n_estimators=30, seed=s, subsample=0.8, subsample_freq=1, verbose=-1)
                               for s in range(3)])
    explained = explain_rows(model, frame.head(10), frame)
    np.testing.assert_allclose(explained.output, model.predict(frame.head(10)), atol=1e-6)
    assert "averaged over the 3 models" in explained.explained


def test_a_multiclass_model_explains_each_row_s_predicted_class(frame):
    y = np.select([frame["signal"] > 0.5, frame["signal"] < -0.5], ["high", "low"], "mid")
    model = _model(frame, y, LGBMClassifier(n_estimators=30, verbose=-1))
    explained = explain_rows(model, frame.head(15), frame)
    assert explained.classes == list(model.predict(frame.head(15)))
    raw = model.steps[-1][1].booster_.predict(model[:-1].transform(frame.head(15)), raw_score=True)
    chosen = raw[np.arange(15), [list(model.classes_).index(c) for c in explained.classes]]
    np.testing.assert_allclose(explained.output, chosen, atol=1e-6)


def test_sampled_values_add_up_and_find_the_signal(frame):
    y = _labels(frame)
    model = _model(frame, y, LogisticRegression(max_iter=500))
    rows = frame.head(8)
    explained = explain_rows(model, rows, frame.sample(40, random_state=1), n_permutations=24)
    assert explained.method.startswith("sampling Shapley values")
    probability = model.predict_proba(rows)[:, 1]
    np.testing.assert_allclose(explained.output, probability, atol=1e-9)
    np.testing.assert_allclose(explained.base_value + explained.contributions.sum(axis=1), probability, atol=1e-9)
    assert explained.contributions["signal"].abs().mean() > 3 * explained.contributions["noise"].abs().mean()
    top = explained.top(rows.index[0], k=2)
    assert list(top.columns) == ["column", "contribution"] and len(top) == 2


def test_no_rows_is_a_clear_error(frame):
    model = _model(frame, _labels(frame), LogisticRegression(max_iter=500))
    with pytest.raises(DataError, match="at least one row"):
        explain_rows(model, frame.head(0), frame)
