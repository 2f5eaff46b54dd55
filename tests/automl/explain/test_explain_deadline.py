"""Explanations keep to their time budget: a model too slow to shuffle is explained through a surrogate;
columns left unshuffled get NaN, and the note says so; engineered importance takes what time is left."""
import time

import numpy as np
import pandas as pd
import pytest
from lightgbm import LGBMRegressor
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.dummy import DummyRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from automl.explain import explain_model

pytestmark = pytest.mark.timing  # wall time against a limit: make test runs it alone


class SlowOracle(DummyRegressor):
    """A model whose every predict call costs 0.3 s, whatever the number of rows, and which knows the
    target of every row it was fitted on (noise included, which no surrogate can learn from the columns)."""

    def fit(self, X, y):
        self.targets_ = dict(zip(X["c0"], y))
        return super().fit(X, y)

    def predict(self, X):
        time.sleep(0.3)
        return np.array([self.targets_[value] for value in X["c0"]])


class SlowOnStackedRows(DummyRegressor):
    """A model whose predict calls cost 0.3 s from 500 rows on: the timed prediction (300 rows) is quick, so
    the shuffles are started, and only the deadline stops them."""

    def predict(self, X):
        if len(X) >= 500:
            time.sleep(0.3)
        return super().predict(X)


def _slow_case(learner):
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.random((300, 12)), columns=[f"c{i}" for i in range(12)])
    y = 3 * X["c0"].to_numpy() + X["c1"].to_numpy() + 0.1 * rng.random(300)
    return X, y, learner().fit(X, y)


def test_shuffles_stop_at_the_deadline_and_the_note_says_what_was_left_out():
    X, y, model = _slow_case(SlowOnStackedRows)
    started = time.perf_counter()
    explanation = explain_model(model, X, y, metric="r2_score", max_seconds=1.0,
                                y_min=float(y.min()), y_max=float(y.max()))
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0 + 2 * 0.3 + 0.5  # at most the call under way when time ran out
    assert explanation.raw_method == "permutation"
    skipped = int(explanation.raw_importance["importance"].isna().sum())
    assert 0 < skipped < 12
    assert f"{skipped} raw column(s) were not shuffled" in explanation.details["note"]
    assert explanation.engineered_importance is None  # not a pipeline: no engineered features


def test_a_model_too_slow_to_shuffle_is_explained_through_a_surrogate_within_its_budget():
    X, y, model = _slow_case(SlowOracle)  # 38 calls of 0.3 s would take 11 s; 80% of 2 s is 1.6 s
    started = time.perf_counter()
    explanation = explain_model(model, X, y, metric="r2_score", max_seconds=2.0,
                                y_min=float(y.min()), y_max=float(y.max()))
    assert time.perf_counter() - started < 2.0
    assert explanation.raw_method == "surrogate permutation" and "note" not in explanation.details
    assert explanation.details["surrogate_fidelity"] > 0.9
    raw = explanation.raw_importance
    assert raw["importance"].notna().all() and list(raw["feature"][:2]) == ["c0", "c1"]
    # The baseline is the model's own score (exact), not the surrogate's (which cannot learn the noise).
    assert explanation.baseline_score == 1.0


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


class CostlyMemberCalls(SlowContributions):
    """A member whose every ``pred_contrib`` call costs 0.3 s, as one booster of an ensemble's does."""

    per_call, per_row = 0.3, 0.0


def test_an_ensembles_members_reached_after_the_deadline_are_read_without_predictions():
    from sklearn.ensemble import VotingRegressor

    from automl.explain._explain_model import _engineered_within

    X, y, _ = _signal_model(CostlyMemberCalls)
    members = [(f"m{i}", CostlyMemberCalls(n_estimators=30, verbose=-1, random_state=i)) for i in range(12)]
    model = Pipeline([("datatransformer", StandardScaler()), ("estimator", VotingRegressor(members))]).fit(X, y)
    started = time.perf_counter()
    frame, method = _engineered_within(model, X, None, deadline=started + 1.5, seed=0)
    # The probe's contributions would take 12 x 0.3 s; it stops at the deadline, with the call under way.
    assert time.perf_counter() - started < 1.5 + 0.3 + 0.5
    assert "feature_importances_" in method and frame["feature"].iloc[0] == "feature_0"
    frame, method = _engineered_within(model, X, None, deadline=None, seed=0)
    assert method == "ensemble of tree contributions"   # without a deadline every member is predicted


class SlowWithGaps(SlowOracle):
    """The slow oracle, predicting NaN for some rows (a member that failed on them): nothing a surrogate
    can learn from, so the model's own shuffles are made, as many as the budget allows."""

    def predict(self, X):
        values = super().predict(X).astype(float)
        values[::7] = np.nan
        return values


def test_a_slow_model_with_missing_predictions_is_shuffled_itself_as_far_as_time_allows():
    X, y, model = _slow_case(SlowWithGaps)
    explanation = explain_model(model, X, y, metric="r2_score", max_seconds=1.0,
                                y_min=float(y.min()), y_max=float(y.max()))
    assert explanation.raw_method == "permutation"
    assert "raw column(s) were not shuffled" in explanation.details["note"]


class SlowPerRow(RegressorMixin, BaseEstimator):
    """``3 * signal``, each prediction costing ``seconds_per_row`` a row."""

    def __init__(self, seconds_per_row: float = 1e-4):
        self.seconds_per_row = seconds_per_row

    def fit(self, X, y):
        return self

    def predict(self, X):
        time.sleep(len(X) * self.seconds_per_row)
        return 3 * X["signal"].to_numpy()


def test_the_time_budget_shrinks_the_sample_then_calls_for_a_surrogate():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"signal": rng.normal(size=400), "noise": rng.normal(size=400)})
    y = 3 * X["signal"].to_numpy() + 0.1 * rng.normal(size=400)
    # 0.1 ms a row: the 400-row timed prediction takes 40 ms; 2 columns x 3 repeats + 2 calls on all rows
    # take 0.32 s, and 80% of 0.25 s fits about 250 rows.
    model = SlowPerRow(1e-4).fit(X, y)
    slow = explain_model(model, X, y, metric="r2_score", max_seconds=0.25)
    full = explain_model(model, X, y, metric="r2_score", max_seconds=None)
    assert full.n_rows == 400 and 200 <= slow.n_rows < 400
    assert slow.raw_method == full.raw_method == "permutation"
    assert slow.raw_importance["feature"].iloc[0] == "signal"
    # 2 ms a row: 200 rows' shuffles (3.2 s) do not fit 80% of 3 s; the surrogate, trained on the timed
    # prediction (0.8 s), is shuffled instead, every column.
    model = SlowPerRow(2e-3).fit(X, y)
    surrogate = explain_model(model, X, y, metric="r2_score", max_seconds=3.0)
    assert surrogate.raw_method == "surrogate permutation" and surrogate.n_rows == 400
    assert surrogate.raw_importance["importance"].notna().all()
    assert surrogate.raw_importance["feature"].iloc[0] == "signal"
