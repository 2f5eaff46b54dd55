"""A finished job read back in another call: its result, and its insights computed again later.

One real job on credit_g (tests/data), copied so that a test can change the data under it.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import automl
from automl.cli import main
from automl.errors import ConfigError, DataError

DATA = Path(__file__).resolve().parents[2] / "data"
NAME = "finished_credit"


@pytest.fixture(scope="module")
def finished(tmp_path_factory):
    """A finished job (insights off, as by default): its result, its data file and its output folder."""
    folder = tmp_path_factory.mktemp("finished")
    data = folder / "credit_g.csv"
    shutil.copyfile(DATA / "credit_g.csv", data)
    job = automl.classification(training_data=str(data), target_column_name="class", name=NAME,
                                output_dir=folder / "outputs" / NAME, validation_data_size=0.25,
                                enable_model_explainability=False)
    job.set_limits(max_trials=3, timeout_minutes=2)
    job.set_training(allowed_training_algorithms=["LightGBM", "LogisticRegression"])
    return job.submit(show_progress=False), data, folder / "outputs" / NAME


def test_the_saved_result_is_the_one_submit_returned(finished):
    result, data, out = finished
    loaded = automl.load_result(NAME, output_dir=out)
    assert loaded.best_trial.name == result.best_trial.name and loaded.insights is None
    pd.testing.assert_frame_equal(loaded.leaderboard, result.leaderboard)
    rows = pd.read_csv(data).drop(columns=["class"]).head(50)
    np.testing.assert_array_equal(loaded.best_model.predict_proba(rows), result.best_model.predict_proba(rows))


def test_insights_later_are_on_the_best_trials_out_of_fold_rows(finished):
    result, data, out = finished
    later = automl.job_insights(NAME, sensitive_features=["foreign_worker"], output_dir=out, max_seconds=60)
    insights = later.insights
    valid_rows = np.asarray(result.best_trial.valid_rows)
    assert "out of fold" in insights.source and result.best_trial.name in insights.source
    root = insights.error_analysis.nodes.iloc[0]
    assert root["rows"] == len(valid_rows) == 250
    truth = pd.read_csv(data)["class"].to_numpy()[valid_rows]
    predicted = np.asarray(result.classes)[np.asarray(result.best_trial.valid_predictions).argmax(axis=1)]
    assert root["errors"] == int((predicted != truth).sum())
    groups = insights.fairness.by_group
    assert int(groups["rows"].sum()) == len(valid_rows) and len(groups) == 2
    assert insights.rows is not None and insights.counterfactuals is not None


def test_insights_later_on_labelled_rows_given(finished):
    _, data, out = finished
    rows = pd.read_csv(data).sample(120, random_state=3)
    later = automl.job_insights(NAME, data=rows, sensitive_features=["personal_status"], output_dir=out)
    assert later.insights.source == "120 labelled rows given after the job"
    assert later.insights.error_analysis.nodes.iloc[0]["rows"] == 120
    assert set(later.insights.fairness.by_group.index) == set(rows["personal_status"].unique())
    with pytest.raises(ConfigError, match=r"column 'personal_statu' .* is not in the data given"):
        automl.job_insights(NAME, data=rows, sensitive_features=["personal_statu"], output_dir=out)


def test_bad_requests_are_config_errors_before_any_work(finished):
    _, _, out = finished
    with pytest.raises(ConfigError, match=r"set_insights: column 'foreign' is not in training_data. Did you mean "
                                          r"'foreign_worker'\?"):
        automl.job_insights(NAME, sensitive_features=["foreign"], output_dir=out)
    with pytest.raises(ConfigError, match="max_seconds must be a positive number"):
        automl.job_insights(NAME, max_seconds=0, output_dir=out)
    with pytest.raises(ConfigError, match=r"unknown job 'nobody'.*jobs there: finished_credit"):
        automl.job_insights("nobody", output_dir=out.parent / "nobody")


def test_the_cli_writes_the_report_with_the_insights(finished, tmp_path, capsys):
    _, _, out = finished
    report = tmp_path / "report.html"
    assert main(["report", NAME, "--insights", "--sensitive-features", "foreign_worker", "--max-seconds", "60",
                 "--output-dir", str(out), "-o", str(report)]) == 0
    assert f"Report of job {NAME} with its insights" in capsys.readouterr().out
    html = report.read_text()
    assert "Fairness by foreign_worker" in html and "Error analysis" in html
    assert main(["report", NAME, "--sensitive-features", "foreign_worker"]) == 2
    assert "only go with --insights" in capsys.readouterr().err


def test_changed_data_or_no_saved_result_is_refused(finished, tmp_path):
    _, data, out = finished
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    (copy / "state" / "result.pkl").unlink()
    with pytest.raises(ConfigError, match=r"has no saved result \(result.pkl\): it has not finished"):
        automl.load_result(NAME, output_dir=copy)
    original = data.read_bytes()
    try:
        pd.read_csv(data).iloc[:-5].to_csv(data, index=False)
        with pytest.raises(DataError, match=f"the data of job '{NAME}' changed since it ran"):
            automl.job_insights(NAME, output_dir=out)
    finally:
        data.write_bytes(original)
