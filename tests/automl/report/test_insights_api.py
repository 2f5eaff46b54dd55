"""The insights a job computes (set_insights), and the same calls on a finished result.

Uses the report tests' classification job: its ``colour`` column (one value holds markup) is the
sensitive feature, and it has test data, which the insights use.
"""
from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

import automl
from automl.errors import ConfigError, DataError
from automl.report import build_report
from automl.tasks.forecasting._explain import regression_member
from tests.automl.report.conftest import DATA, _classification_frame


def test_the_job_computes_each_insight_on_its_test_data(classification_result):
    found = classification_result.insights
    assert found.source.startswith("the test data") and set(found.seconds) == {
        "error_analysis", "fairness", "rows", "counterfactuals"}
    assert list(found.fairness.by_group.index) == sorted(set(_classification_frame()["colour"]))
    assert found.error_analysis.nodes.iloc[0]["rows"] == 60  # the 20% test rows of 300
    assert len(found.rows.contributions) == 10 and found.counterfactuals.goal == "another class than the row's"
    np.testing.assert_array_equal(classification_result.best_model.predict(found.counterfactuals.rows),
                                  found.counterfactuals.changes["prediction"].to_numpy())


def test_the_same_insights_from_python(classification_result):
    data = _classification_frame(seed=5)
    analysis = classification_result.error_analysis(data)
    wrong = classification_result.best_model.predict(data.drop(columns="label")) != data["label"].to_numpy()
    assert analysis.nodes.iloc[0]["errors"] == wrong.sum()
    fair = classification_result.fairness(data, ["colour"])
    assert fair.by_group["rows"].sum() == len(data)
    rows = classification_result.explain_rows(data.drop(columns="label").head(4))
    np.testing.assert_allclose(rows.base_value + rows.contributions.sum(axis=1), rows.output, atol=1e-6)
    later = copy.copy(classification_result)  # the session's result stays as the job left it
    skipped = later.compute_insights(data, sensitive_features=["noise"], max_seconds=0.0)
    assert later.insights is skipped and skipped.error_analysis is None and skipped.rows is None
    assert sum("skipped: the 0 s the insights had were spent" in note for note in skipped.notes) == 4
    given = later.compute_insights(data, sensitive_features=["colour"], max_seconds=60.0)
    assert given.source == "300 labelled rows given after the job" and given.fairness is not None
    with pytest.raises(DataError, match="target column 'label'"):
        classification_result.error_analysis(data.drop(columns="label"))
    with pytest.raises(ConfigError, match="no column 'gender'"):
        classification_result.fairness(data, ["gender"])


def test_sensitive_features_are_checked(tmp_path):
    job = automl.classification(training_data=_classification_frame(), target_column_name="label",
                                tracking_uri=False)
    with pytest.raises(ConfigError, match="sensitive_features must be a list of column names"):
        job.set_insights(sensitive_features="colour")
    job.set_insights(sensitive_features=["gender"])
    assert job.insights.enable_insights
    with pytest.raises(ConfigError, match=r"set_insights: column 'gender' is not in training_data"):
        job.submit(show_progress=False)


def test_a_forecasting_job_analyses_its_errors_by_series_and_horizon_step():
    frame = pd.read_csv(DATA / "airline_passengers.csv")
    job = automl.forecasting(training_data=frame, target_column_name="Passengers", name="insights_forecasting",
                             forecasting_settings={"time_column_name": "Month", "forecast_horizon": 6},
                             enable_model_explainability=False, tracking_uri=False)
    job.set_limits(max_trials=2, max_concurrent_trials=1)
    job.set_training(allowed_training_algorithms=["LightGBM"], enable_vote_ensemble=False)
    job.set_insights()
    result = job.submit(show_progress=False)
    found = result.insights
    assert found.source.startswith("the rolling-origin validation forecasts of")
    nodes = found.error_analysis.nodes
    assert nodes.iloc[0]["rows"] == len(result.best_trial.valid_predictions)
    assert set(found.error_analysis.heatmap_columns) <= {"series", "horizon step", "window"}
    assert found.counterfactuals is None and any("do not apply" in note for note in found.notes)
    rows = found.rows  # the LightGBM learner's own rows: its lags, calendar parts and features
    assert rows.method.startswith("exact tree contributions (LightGBM)") and "standardised forecast" in rows.explained
    assert list(rows.contributions.columns) == list(regression_member(result.best_model).feature_names_)
    np.testing.assert_allclose(rows.base_value + rows.contributions.sum(axis=1), rows.output, atol=1e-6)
    html = build_report(result)
    assert "Error analysis" in html and "do not apply" in html and "Per-row explanations" in html
