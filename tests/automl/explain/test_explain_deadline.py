"""Explanations keep to their time budget: columns left unshuffled get NaN, and the note says so;
engineered importance takes what time is left."""
import time

import numpy as np
import pandas as pd
import pytest
from lightgbm import LGBMRegressor
from sklearn.dummy import DummyRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from automl.explain import explain_model

pytestmark = pytest.mark.timing  # wall time against a limit: make test runs it alone


class SlowRegressor(DummyRegressor):
    """A model whose every predict call costs 0.3 s, whatever the number of rows."""

    def predict(self, X):
        time.sleep(0.3)
        return super().predict(X)


def test_a_slow_model_is_explained_within_its_budget():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.random((300, 12)), columns=[f"c{i}" for i in range(12)])
    y = X["c0"].to_numpy() + rng.random(300)
    model = SlowRegressor().fit(X, y)
    started = time.perf_counter()
    explanation = explain_model(model, X, y, metric="r2_score", max_seconds=1.0,
                                y_min=float(y.min()), y_max=float(y.max()))
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0 + 2 * 0.3 + 0.5  # at most the call under way when time ran out
    skipped = int(explanation.raw_importance["importance"].isna().sum())
    assert 0 < skipped < 12
    assert f"{skipped} raw column(s) were not shuffled" in explanation.details["note"]
    assert explanation.engineered_importance is None  # not a pipeline: no engineered features


class SlowContributions(LGBMRegressor):
    """LightGBM whose tree contributions (``pred_contrib``) cost 20 ms per row, as deep boosters' do."""

    #: Seconds a ``pred_contrib`` call costs: per call, plus per row.
    per_call, per_row = 0.0, 0.02

    @property
    def booster_(self):
        booster = super().booster_
        predict = booster.predict

        def slow_predict(X, *args, pred_contrib=False, **kwargs):
            if pred_contrib:
                time.sleep(self.per_call + self.per_row * len(X))
            return predict(X, *args, pred_contrib=pred_contrib, **kwargs)
        booster.predict = slow_predict
        return booster


def _signal_model(learner: type[SlowContributions]) -> tuple[pd.DataFrame, np.ndarray, Pipeline]:
    """150 rows where ``signal`` carries the target, and ``learner`` fitted on them behind a scaler."""
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.random((150, 3)), columns=["signal", "noise", "other"])
    y = 3 * X["signal"].to_numpy() + 0.1 * rng.random(150)
    return X, y, Pipeline([("datatransformer", StandardScaler()),
                           ("estimator", learner(n_estimators=30, verbose=-1))]).fit(X, y)


def test_engineered_importance_fits_the_time_left_or_reads_the_models_own_figures():
    X, y, model = _signal_model(SlowContributions)
    started = time.perf_counter()
    tight = explain_model(model, X, y, metric="r2_score", max_seconds=1.0,
                          y_min=float(y.min()), y_max=float(y.max()))
    assert time.perf_counter() - started < 1.0 + 0.5  # 150 rows' contributions would take 3 s
    # 25 rows probed (0.5 s) leave too little for more: LightGBM's own importances are read instead.
    assert tight.engineered_method == "feature_importances_"
    assert tight.engineered_importance["feature"].iloc[0] == "feature_0"
    roomy = explain_model(model, X, y, metric="r2_score", max_seconds=10.0,
                          y_min=float(y.min()), y_max=float(y.max()))
    assert roomy.engineered_method == "tree contributions"


class CostlyContributionCalls(SlowContributions):
    """LightGBM whose every ``pred_contrib`` call costs 1 s, whatever the rows (as an ensemble of deep
    boosters' first call does)."""

    per_call, per_row = 1.0, 0.0


def test_with_under_a_second_left_no_contribution_probe_is_started():
    from automl.explain._explain_model import _engineered_within

    X, y, model = _signal_model(CostlyContributionCalls)
    started = time.perf_counter()
    frame, method = _engineered_within(model, X, None, deadline=started + 0.6, seed=0)
    assert time.perf_counter() - started < 0.6
    assert method == "feature_importances_" and frame["feature"].iloc[0] == "feature_0"
