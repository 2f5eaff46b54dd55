"""``automl train`` as a subprocess: the example job YAMLs train, --set and flags override, errors exit 2."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

from automl.cli import main
from automl.errors import ConfigError


@pytest.fixture(scope="module")
def classification_run(cli, examples, tmp_path_factory):
    """The classification example, tracked, with overrides and a registered model."""
    folder = tmp_path_factory.mktemp("train-classification")
    done = cli(["train", "--file", examples / "classification" / "job.yml",
                "--set", "limits.max_trials=2", "--set", "training.enable_vote_ensemble=false",
                "--set", "name=titanic_cli_job", "--set", "n_cross_validations=2",
                "--set", "log_verbosity=info", "--register-model", "titanic"], folder, tracking=True)
    return folder, done


def test_classification_example_trains_with_set_overrides(classification_run):
    folder, done = classification_run
    assert done.returncode == 0, done.stderr
    board = pd.read_csv(folder / "outputs" / "titanic_cli_job" / "leaderboard.csv")
    assert len(board) == 2  # --set limits.max_trials=2 with the vote ensemble off
    assert "VotingEnsemble" not in set(board["algorithm"])
    assert set(board["name"]) == {"titanic_cli_job_0", "titanic_cli_job_1"}
    assert done.stderr.count("DATA GUARDRAILS:") == 1 and "2-fold cross-validation" in done.stderr
    assert "LEADERBOARD" in done.stdout and "AUC_weighted" in done.stdout
    assert "Registered: models:/titanic/1" in done.stdout
    assert (folder / "outputs" / "titanic_cli_job" / "model.onnx").is_file()
    assert (folder / "outputs" / "titanic_cli_job" / "mlflow-model" / "MLmodel").is_file()
    assert (folder / "outputs" / "titanic_cli_job" / "report.html").is_file()
    assert "Traceback" not in done.stderr and "warning" not in done.stderr


@pytest.fixture
def in_store(classification_run, monkeypatch, capsys):
    """``main`` in process against the classification run's MLflow store: (exit code, out, err)."""
    folder, _ = classification_run
    monkeypatch.chdir(folder)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{folder / 'mlflow.db'}")

    def call(*args):
        code = main(list(map(str, args)))
        out, err = capsys.readouterr()
        return code, out, err

    return call


def test_train_prints_where_the_job_is_recorded_and_jobs_commands_find_it(classification_run, in_store):
    folder, done = classification_run
    assert f"sqlite:///{folder / 'mlflow.db'}" in done.stdout
    assert "automl jobs show titanic_cli_job" in done.stdout
    code, out, _ = in_store("jobs", "list")
    assert code == 0 and "titanic_cli_job" in out and "titanic-classification" in out
    code, out, _ = in_store("jobs", "show", "titanic_cli_job")
    assert code == 0 and "titanic_cli_job_0" in out and "titanic_cli_job_1" in out
    code, _, err = in_store("jobs", "show", "no_such_job")
    assert code == 2 and "no job named 'no_such_job'" in err


def test_models_commands_list_the_registered_model(in_store):
    code, out, _ = in_store("models", "list")
    assert code == 0 and "titanic" in out
    code, out, _ = in_store("models", "show", "titanic")
    assert code == 0 and "models:/titanic/1" in out
    code, _, err = in_store("models", "show", "nothing")
    assert code == 2 and "no registered model named 'nothing'" in err


def test_predict_scores_with_the_registered_model(classification_run, in_store, examples):
    folder, _ = classification_run
    code, _, err = in_store("predict", "--model", "models:/titanic/1", "--input",
                              examples / "classification" / "data" / "test", "--output", "scored/predictions.csv")
    assert code == 0, err
    scored = pd.read_csv(folder / "scored" / "predictions.csv")
    test = pd.read_csv(examples / "classification" / "data" / "test" / "titanic_test.csv")
    assert len(scored) == len(test) and set(scored["prediction"]) <= {0, 1}
    assert (scored["prediction"] == test["Survived"]).mean() > 0.7


def test_report_is_written_and_fetched_from_mlflow_by_job_name(classification_run, in_store):
    folder, _ = classification_run
    written = (folder / "outputs" / "titanic_cli_job" / "report.html").read_text(encoding="utf-8")
    assert written.lstrip().lower().startswith("<!doctype html") and "titanic_cli_job" in written
    code, _, err = in_store("report", "titanic_cli_job", "--output", "fetched/report.html")
    assert code == 0, err
    fetched = (folder / "fetched" / "report.html").read_text(encoding="utf-8")
    assert fetched.lstrip().lower().startswith("<!doctype html") and "titanic_cli_job" in fetched
    code, _, err = in_store("report", "no_such_job")
    assert code == 2 and "no job named 'no_such_job'" in err


def test_regression_example_trains(cli, examples, tmp_path):
    done = cli(["train", "--file", examples / "regression" / "job.yml", "--set", "limits.max_trials=1",
                "--set", "name=taxis_cli_job"], tmp_path)
    assert done.returncode == 0, done.stderr
    board = pd.read_csv(tmp_path / "outputs" / "taxis_cli_job" / "leaderboard.csv")
    assert len(board) == 1 and board["status"].tolist() == ["Completed"]
    assert "r2_score" in done.stdout and "Not recorded in MLflow" in done.stdout


def test_unknown_yaml_key_exits_2_naming_key_and_line(cli, examples, tmp_path):
    text = (examples / "regression" / "job.yml").read_text(encoding="utf-8")
    text = text.replace("  max_trials: 12", "  max_trails: 12")
    job = tmp_path / "job.yml"
    job.write_text(text, encoding="utf-8")
    line = text.splitlines().index("  max_trails: 12") + 1
    done = cli(["train", "--file", job], tmp_path)
    assert done.returncode == 2
    assert f"line {line}: unknown key 'max_trails' in 'limits'" in done.stderr
    assert "Did you mean 'max_trials'?" in done.stderr
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1


def test_unknown_set_key_exits_2_naming_the_override(cli, examples, tmp_path):
    done = cli(["train", "--file", examples / "regression" / "job.yml", "--set", "limits.max_trails=2"],
               tmp_path)
    assert done.returncode == 2
    assert "--set limits.max_trails: unknown key 'max_trails'" in done.stderr


def test_bad_value_and_missing_data_exit_2_with_one_message(examples, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["train", "--file", str(examples / "regression" / "job.yml"), "--set", "limits.max_trials=0"]) == 2
    err = capsys.readouterr().err
    assert "--set limits.max_trials: max_trials must be a positive whole number" in err
    assert main(["train", "--task", "regression", "--training-data", "nowhere.csv",
                 "--target-column-name", "y", "--max-trials", "1"]) == 2
    err = capsys.readouterr().err
    assert "nowhere.csv" in err and "Traceback" not in err and err.count("\n") == 1


def test_debug_shows_the_traceback(examples):
    with pytest.raises(ConfigError, match="unknown key 'max_trails'"):
        main(["train", "--debug", "--file", str(examples / "regression" / "job.yml"), "--set", "limits.max_trails=2"])


@pytest.mark.parametrize("command", [["train"], ["predict"], ["report"], ["jobs", "list"], ["jobs", "show"],
                                     ["models", "list"], ["models", "show"], ["demo"]])
def test_every_command_has_help_with_examples(command, capsys):
    with pytest.raises(SystemExit) as exited:
        main([*command, "--help"])
    out = capsys.readouterr().out
    assert exited.value.code == 0 and "example" in out and "exit codes" in out


def test_console_entry_point_runs_as_a_module(cli, tmp_path):
    done = cli(["--help"], tmp_path)
    assert done.returncode == 0 and "train" in done.stdout and "predict" in done.stdout


def test_forecasting_example_trains(cli, examples, tmp_path):
    done = cli(["train", "--file", examples / "forecasting" / "job.yml", "--set", "limits.max_trials=2",
                "--set", "name=airline_cli_job", "--set", "training.enable_vote_ensemble=false"], tmp_path)
    assert done.returncode == 0, done.stderr
    board = pd.read_csv(tmp_path / "outputs" / "airline_cli_job" / "leaderboard.csv")
    assert len(board) == 2 and set(board["status"]) == {"Completed"}
    assert "normalized_root_mean_squared_error" in done.stdout
    assert (tmp_path / "outputs" / "airline_cli_job" / "mlflow-model" / "MLmodel").is_file()


def test_ctrl_c_cancels_the_job_and_writes_what_it_finished(examples, tmp_path):
    """SIGINT to ``automl train``: the job is canceled, its finished trials are in the leaderboard it
    writes, and the exit code is 130."""
    env = dict(os.environ, AUTOML_TRACKING="off", PYTHONWARNINGS="ignore::DeprecationWarning",
               MLFLOW_TRACKING_URI=f"sqlite:///{tmp_path / 'mlflow.db'}")
    log = tmp_path / "stderr.txt"
    command = [sys.executable, "-m", "automl.cli", "train", "--file", str(examples / "classification" / "job.yml"),
               "--set", "limits.max_trials=200", "--set", "limits.timeout_minutes=5",
               "--set", "limits.enable_early_termination=false", "--set", "name=interrupted"]
    with open(log, "w") as stderr:
        process = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=stderr, text=True)
        deadline = time.monotonic() + 120
        finished = re.compile(r"^\s+0\s+\S", re.MULTILINE)  # the line of trial 0, under the ITER header
        while not finished.search(log.read_text().partition("ITER")[2]) and time.monotonic() < deadline:
            time.sleep(0.5)
        process.send_signal(signal.SIGINT)
        out, _ = process.communicate(timeout=120)
    assert process.returncode == 130, log.read_text()[-2000:]
    assert "canceling the job" in log.read_text()
    assert "trials, Canceled)" in out
    board = pd.read_csv(tmp_path / "outputs" / "interrupted" / "leaderboard.csv")
    assert (board["status"] == "Completed").sum() >= 1 and len(board) < 200
    kept = int((board["status"] == "Completed").sum())

    # The canceled job, given one more trial: its finished trials are kept, the ensembles built again.
    extended = subprocess.run([sys.executable, "-m", "automl.cli", "train", "--extend", "interrupted",
                               "--max-trials", "1", "--timeout-minutes", "1"],
                              cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert extended.returncode == 0, extended.stderr[-2000:]
    assert "trials, Completed)" in extended.stdout, extended.stdout
    board = pd.read_csv(tmp_path / "outputs" / "interrupted" / "leaderboard.csv")
    searched = board[~board["algorithm"].str.endswith("Ensemble")]
    assert len(searched) == kept + 1 and (searched["status"] == "Completed").all()
    assert "VotingEnsemble" in set(board["algorithm"])
    refused = subprocess.run([sys.executable, "-m", "automl.cli", "train", "--resume", "interrupted"],
                             cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert refused.returncode != 0 and "completed" in refused.stderr and "--extend interrupted" in refused.stderr
