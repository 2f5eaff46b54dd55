"""Raw-feature permutation importance and engineered-feature importance, on models whose
answer is known: only the signal column matters."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from lightgbm import LGBMClassifier, LGBMRegressor
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import RandomForestRegressor, VotingClassifier
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.neighbors import KNeighborsRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MaxAbsScaler, OneHotEncoder
from xgboost import XGBRegressor

import automl
from automl.algorithms._catboost import CatBoostValueRegressor
from automl.errors import ConfigError, DataError
from automl.explain import Explanation, engineered_importance, explain_model


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 400
    return pd.DataFrame({"signal": rng.normal(size=n), "noise": rng.normal(size=n),
                         "colour": rng.choice(["red", "blue"], size=n)})


def _target(frame: pd.DataFrame) -> np.ndarray:
    return 3 * frame["signal"].to_numpy() + (frame["colour"] == "red") * 1.0


def _featurized(estimator) -> Pipeline:
    featurizer = ColumnTransformer([("num", "passthrough", ["signal", "noise"]),
                                    ("cat", OneHotEncoder(), ["colour"])])
    return Pipeline([("datatransformer", featurizer), ("preprocessor", MaxAbsScaler()), ("estimator", estimator)])


NAMES = ["signal", "noise", "colour_blue", "colour_red"]


@pytest.mark.parametrize("estimator, method", [
    (LGBMRegressor(n_estimators=60, verbose=-1), "tree contributions"),
    (XGBRegressor(n_estimators=60), "tree contributions"),
    (CatBoostValueRegressor(iterations=60, verbose=False, allow_writing_files=False), "tree contributions"),
    (RandomForestRegressor(n_estimators=30, random_state=0), "feature_importances_"),
    (LinearRegression(), "coefficients"),
])
def test_regression_signal_ranks_first(frame, estimator, method):
    y = _target(frame)
    model = _featurized(estimator).fit(frame, y)
    e = explain_model(model, frame, y, metric="r2_score", engineered_feature_names=NAMES,
                      y_min=float(y.min()), y_max=float(y.max()))
    raw = e.get_feature_importance_dict()
    assert list(raw)[0] == "signal" and raw["signal"] > 0.5
    assert abs(raw["noise"]) < 0.05 * raw["signal"]
    engineered = e.engineered_importance
    assert e.engineered_method == method
    assert engineered["feature"].iloc[0] == "signal"
    assert engineered["importance"].sum() == pytest.approx(1.0)
    assert set(engineered["feature"]) == set(NAMES)


def test_error_metric_importance_is_positive_when_it_matters(frame):
    y = _target(frame)
    model = _featurized(LinearRegression()).fit(frame, y)
    e = explain_model(model, frame, y, metric="normalized_root_mean_squared_error",
                      y_min=float(y.min()), y_max=float(y.max()))
    assert e.raw_importance["feature"].iloc[0] == "signal"
    assert e.raw_importance["importance"].iloc[0] > 0  # the error grows when signal is shuffled
    assert e.baseline_score == pytest.approx(0.0, abs=1e-6)


def test_ensembles_average_their_members(frame):
    y = np.where(_target(frame) > 0.5, "high", "low")
    featurized = _featurized(LogisticRegression()).fit(frame, y)
    members = [("lgbm", Pipeline([("p", MaxAbsScaler()), ("e", LGBMClassifier(n_estimators=40, verbose=-1))])),
               ("lr", Pipeline([("p", MaxAbsScaler()), ("e", LogisticRegression())]))]
    ensemble = VotingClassifier(members, voting="soft", weights=[0.7, 0.3])
    X_engineered = featurized[:1].transform(frame)
    model = Pipeline([("datatransformer", featurized[0]), ("ensemble", ensemble.fit(X_engineered, y))])
    e = explain_model(model, frame, y, metric="AUC_weighted", engineered_feature_names=NAMES)
    assert e.raw_importance["feature"].iloc[0] == "signal"
    assert e.engineered_method == "ensemble of coefficients and tree contributions"
    assert e.engineered_importance["feature"].iloc[0] == "signal"
    shares, _ = engineered_importance(model[1], X_engineered)
    assert shares.sum() == pytest.approx(1.0)


def test_models_without_importances_get_raw_importance_only(frame):
    y = _target(frame)
    model = _featurized(KNeighborsRegressor()).fit(frame, y)
    e = explain_model(model, frame, y, metric="r2_score")
    assert e.engineered_importance is None and e.engineered_method is None
    assert e.get_feature_importance_dict(raw=False) == {}
    assert e.raw_importance["feature"].iloc[0] == "signal"


def test_rows_are_sampled_and_result_is_plain_data(frame):
    y = _target(frame)
    model = LinearRegression().fit(frame[["signal", "noise"]], y)
    e = explain_model(model, frame[["signal", "noise"]], y, metric="r2_score",
                      max_rows=100, n_repeats=2)
    assert (e.n_rows, e.n_repeats) == (100, 2)
    plain = e.to_dict()
    assert plain["raw_importance"][0]["feature"] == "signal"
    assert plain["engineered_importance"] is None  # a bare estimator: no featurization to explain
    assert isinstance(e, Explanation) and "signal" in repr(e)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"metric": "accuracy"}, ConfigError, "unknown regression metric 'accuracy'"),
    ({"n_repeats": 0}, ConfigError, "n_repeats"),
    ({"metric": "no_such_metric"}, ConfigError, "no_such_metric"),
])
def test_bad_settings(frame, kwargs, error, match):
    y = _target(frame)
    model = LinearRegression().fit(frame[["signal"]], y)
    args = {"metric": "r2_score", **kwargs}
    with pytest.raises(error, match=match):
        explain_model(model, frame[["signal"]], y, **args)


def test_rows_and_target_must_match(frame):
    model = LinearRegression().fit(frame[["signal"]], _target(frame))
    with pytest.raises(DataError, match="validation rows"):
        explain_model(model, frame[["signal"]], _target(frame)[:10], metric="r2_score")


def test_job_explains_its_best_model_unless_told_not_to():
    rng = np.random.default_rng(2)
    n = 200
    frame = pd.DataFrame({"signal": rng.normal(size=n), "noise": rng.normal(size=n)})
    frame["y"] = 4 * frame["signal"] + rng.normal(scale=0.1, size=n)
    results = []
    for explain in (True, False):
        job = automl.regression(training_data=frame, target_column_name="y", primary_metric="r2_score",
                                enable_model_explainability=explain, validation_data_size=0.25,
                                log_verbosity="warning", tracking_uri=False)
        job.set_limits(max_trials=2)
        job.set_training(allowed_training_algorithms=["ElasticNet"])
        results.append(job.submit(show_progress=False))
    explained, plain = results
    assert list(explained.explanation.get_feature_importance_dict())[0] == "signal"
    assert explained.explanation.engineered_importance is not None
    assert "explanation" in explained.timings
    assert plain.explanation is None
