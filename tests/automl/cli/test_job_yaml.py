"""The job-YAML reader (``automl.load_job``) and the flag form of ``automl train``, in process."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

import automl
from automl.cli import build_parser
from automl.cli._train import build_job
from automl.data import Input
from automl.errors import ConfigError

MINIMAL = """\
type: automl
task: {task}
target_column_name: y
training_data:
  type: mltable
  path: ./data/train
"""


def write(tmp_path: Path, text: str, name: str = "job.yml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_section_reaches_its_setter_and_paths_resolve_against_the_yaml(tmp_path):
    (tmp_path / "jobs").mkdir()
    job_file = write(tmp_path / "jobs", MINIMAL.format(task="classification") + """\
test_data: ../holdout.csv
experiment_name: exp
tags: {team: risk, year: 2024}
positive_label: yes
limits: {timeout_minutes: 3, max_trials: 7, max_concurrent_trials: 2, exit_score: 0.9}
training:
  allowed_training_algorithms: [light_gbm, logistic_regression]
  enable_stack_ensemble: false
  ensemble_model_download_timeout_minutes: 2
  stack_ensemble_settings: {stack_meta_learner_train_percentage: 0.3}
featurization:
  mode: custom
  column_name_and_types: {zip: Categorical}
  blocked_transformers: [tf_idf]
""")
    job = automl.load_job(job_file)
    assert isinstance(job, automl.ClassificationJob)
    assert isinstance(job.data.training_data, Input) and job.data.training_data.type == "mltable"
    assert job.data.training_data.path == str(tmp_path / "jobs" / "data" / "train")
    assert job.data.test_data == str(tmp_path / "holdout.csv")
    assert job.primary_metric == "AUC_weighted"  # Azure's YAML default for classification
    assert job.positive_label == "yes" and job.tags == {"team": "risk", "year": "2024"}
    assert (job.limits.timeout_minutes, job.limits.max_trials, job.limits.exit_score) == (3, 7, 0.9)
    assert job.training.allowed_training_algorithms == ["LightGBM", "LogisticRegression"]
    assert job.training.ensemble_model_download_timeout == 2
    assert job.training.stack_ensemble_settings.stack_meta_learner_train_percentage == 0.3
    assert job.featurization.mode == "custom" and job.featurization.column_name_and_types == {"zip": "Categorical"}


def test_regression_keeps_the_sdk_default_metric_and_refuses_positive_label(tmp_path):
    job = automl.load_job(write(tmp_path, MINIMAL.format(task="regression")))
    assert job.primary_metric == "normalized_root_mean_squared_error"
    bad = write(tmp_path, MINIMAL.format(task="regression") + "positive_label: 1\n", "bad.yml")
    with pytest.raises(ConfigError, match=r"bad.yml, line 7: 'positive_label' applies to classification"):
        automl.load_job(bad)


@pytest.mark.parametrize("extra, message", [
    ("limits:\n  max_trails: 3\n", r"line 8: unknown key 'max_trails' in 'limits'\. Did you mean 'max_trials'\?"),
    ("trainig_data: x\n", r"line 7: unknown key 'trainig_data'\. Did you mean 'training_data'"),
    ("training:\n  stack_ensemble_settings:\n    meta_learner: x\n",
     r"line 9: unknown key 'meta_learner' in 'training.stack_ensemble_settings'"),
    ("training_data: {type: mltable, path: ./x, paht: y}\n", r"line 7: key 'training_data' is already set on line 4"),
    ("limits:\n  max_trials: 0\n", r"line 8: max_trials must be a positive whole number"),
    ("primary_metric: auc\n", r"line 7: .*primary"),
    ("forecasting:\n  time_column_name: t\n", r"line 7: a 'forecasting:' section applies to forecasting jobs"),
    ("limits: [1, 2]\n", r"line 7: 'limits' must be a mapping"),
])
def test_errors_name_the_key_and_its_line(tmp_path, extra, message):
    with pytest.raises(ConfigError, match=message):
        automl.load_job(write(tmp_path, MINIMAL.format(task="regression") + extra))


def test_invalid_yaml_type_and_task_are_config_errors(tmp_path):
    with pytest.raises(ConfigError, match=r"job.yml, line \d+, column \d+: not valid YAML"):
        automl.load_job(write(tmp_path, "type: automl\ntask: [regression\n"))
    with pytest.raises(ConfigError, match="type must be 'automl'"):
        automl.load_job(write(tmp_path, MINIMAL.format(task="regression").replace("automl", "command")))
    with pytest.raises(ConfigError, match="unknown task 'regresion'. Did you mean 'regression'"):
        automl.load_job(write(tmp_path, MINIMAL.format(task="regresion")))
    with pytest.raises(ConfigError, match="has no 'target_column_name'"):
        automl.load_job(write(tmp_path, MINIMAL.format(task="regression").replace("target_column_name: y\n", "")))
    with pytest.raises(ConfigError, match="does not exist"):
        automl.load_job(tmp_path / "missing.yml")


def test_overrides_are_read_as_yaml_and_paths_resolve_against_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    job = automl.load_job(write(tmp_path, MINIMAL.format(task="regression")), overrides=[
        "limits.max_trials=3", "limits.enable_early_termination=false", "training_data.path=other/data",
        "training.blocked_training_algorithms=[knn, sgd]", "description=a b=c"])
    assert job.limits.max_trials == 3 and job.limits.enable_early_termination is False
    assert job.data.training_data.path == os.path.normpath(tmp_path / "other" / "data")
    assert job.training.blocked_training_algorithms == ["KNN", "SGD"] and job.description == "a b=c"
    with pytest.raises(ConfigError, match="write key=value"):
        automl.load_job(tmp_path / "job.yml", overrides=["limits.max_trials"])


def test_ignored_azure_keys_warn(tmp_path):
    with pytest.warns(UserWarning, match="compute, resources ignored"):
        automl.load_job(write(tmp_path, MINIMAL.format(task="regression")
                              + "compute: azureml:cpu-cluster\nresources: {instance_count: 2}\n"))


def test_flag_form_builds_the_same_job(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args = build_parser().parse_args([
        "train", "--task", "classification", "--training-data", "train.csv", "--target-column-name", "label",
        "--primary-metric", "accuracy", "--timeout-minutes", "2.5", "--max-trials", "4",
        "--allowed-algorithms", "LightGBM", "RandomForest", "--enable-onnx-compatible-models",
        "--n-cross-validations", "3", "--positive-label", "yes", "--name", "flagged"])
    job = build_job(args)
    assert isinstance(job, automl.ClassificationJob) and job.name == "flagged"
    assert job.data.training_data == str(tmp_path / "train.csv")
    assert (job.primary_metric, job.limits.timeout_minutes, job.limits.max_trials) == ("accuracy", 2.5, 4)
    assert job.training.allowed_training_algorithms == ["LightGBM", "RandomForest"]
    assert job.training.enable_onnx_compatible_models is True and job.data.n_cross_validations == 3
    assert job.positive_label == "yes"


def test_flags_win_over_the_file_and_missing_flags_are_named(tmp_path):
    job_file = write(tmp_path, MINIMAL.format(task="regression") + "limits: {max_trials: 9}\n")
    job = build_job(build_parser().parse_args(["train", "--file", str(job_file), "--max-trials", "2",
                                               "--set", "limits.max_trials=5"]))
    assert job.limits.max_trials == 2
    with pytest.raises(ConfigError, match="--target-column-name"):
        build_job(build_parser().parse_args(["train", "--task", "regression", "--training-data", "x.csv"]))
    with pytest.raises(ConfigError, match=r"--max-trials: max_trials must be a positive whole number"):
        build_job(build_parser().parse_args(["train", "--file", str(job_file), "--max-trials", "-1"]))


def test_forecasting_section_feeds_set_forecast_settings(tmp_path):
    job = automl.load_job(write(tmp_path, MINIMAL.format(task="forecasting") + """\
forecasting:
  time_column_name: date
  forecast_horizon: 14
  time_series_id_column_names: [store]
  frequency: D
training:
  blocked_training_algorithms: [prophet, auto_arima]
"""))
    assert isinstance(job, automl.jobs.ForecastingJob)
    assert (job.forecasting_settings.time_column_name, job.forecasting_settings.forecast_horizon, job.forecasting_settings.frequency) == (
        "date", 14, "D")
    assert job.training.blocked_training_algorithms == ["Prophet", "AutoArima"]
    with pytest.raises(ConfigError, match=r"line 9: unknown key 'horizon' in 'forecasting'\. Did you mean "
                                          r"'forecast_horizon'"):
        automl.load_job(write(tmp_path, MINIMAL.format(task="forecasting")
                              + "forecasting:\n  time_column_name: date\n  horizon: 3\n", "bad.yml"))
