"""Faults on one machine: a trial process killed with SIGKILL, a trial over its memory cap, the
MLflow artifact folder becoming unwritable mid-job.

Each job keeps its finished trials and its best model, and its result says what happened.
"""
from __future__ import annotations

import os
import shutil
import signal
import threading
import time
from pathlib import Path

import pytest
from mlflow import MlflowClient

from automl.errors import ConfigError
from automl.testing import registered_test_algorithm, trial_processes
from automl.core import COMPLETED, FAILED
from tests.robustness.conftest import assert_best_kept, quick_job, run_observed, refused


class KillTrialProcess:
    """Sends SIGKILL, from outside, to the process of the trial of ``algorithm`` once it runs."""

    def __init__(self, algorithm: str, after_seconds: float = 1.0) -> None:
        self.algorithm = algorithm
        self.after_seconds = after_seconds
        self.killed: list[int] = []

    def trial_started(self, spec) -> None:
        if spec.algorithm.name == self.algorithm:
            threading.Thread(target=self._kill, daemon=True).start()

    def _kill(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            time.sleep(self.after_seconds)
            children = trial_processes()
            if children:  # one trial at a time: the only child is this trial's process
                for pid in children:
                    os.kill(pid, signal.SIGKILL)
                self.killed.extend(children)
                return


def test_trial_process_killed_with_sigkill(frame):
    killer = KillTrialProcess("Sleeper")
    with registered_test_algorithm("classification", "Sleeper", "sleep", priority=6, seconds=60):
        job = quick_job(frame, algorithms=("LogisticRegression", "Sleeper", "DecisionTree"),
                        max_trials=3, n_cross_validations=3)
        job.set_limits(trial_timeout_minutes=0.75)
        result, ledger = run_observed(job, killer)
    by_algorithm = {t.algorithm: t for t in result.trials}
    assert len(killer.killed) == 1
    sleeper = by_algorithm["Sleeper"]
    assert sleeper.status == FAILED and "killed by SIGKILL" in sleeper.error
    assert by_algorithm["LogisticRegression"].status == COMPLETED
    assert by_algorithm["DecisionTree"].status == COMPLETED
    assert result.status == "Completed" and len(result.trials) == 3
    assert_best_kept(result, ledger)


def test_trial_over_its_memory_cap_fails_alone(frame, monkeypatch):
    monkeypatch.setenv("AUTOML_TRIAL_MEMORY_MB", "300")
    with registered_test_algorithm("classification", "MemoryHog", "allocate", priority=6,
                                   megabytes=4000):
        job = quick_job(frame, algorithms=("LogisticRegression", "MemoryHog", "DecisionTree"),
                        max_trials=3, n_cross_validations=3)
        result, ledger = run_observed(job)
    by_algorithm = {t.algorithm: t for t in result.trials}
    hog = by_algorithm["MemoryHog"]
    assert hog.status == FAILED and "MemoryError" in hog.error
    assert by_algorithm["LogisticRegression"].status == COMPLETED  # the cap leaves room for real trials
    assert by_algorithm["DecisionTree"].status == COMPLETED
    assert result.status == "Completed"
    assert_best_kept(result, ledger)


def test_memory_cap_without_the_variable_lets_the_same_trial_run(frame, monkeypatch):
    monkeypatch.delenv("AUTOML_TRIAL_MEMORY_MB", raising=False)
    with registered_test_algorithm("classification", "MemoryHog", "allocate", megabytes=400):
        result = quick_job(frame, algorithms=("MemoryHog",), n_cross_validations=2).submit(
            show_progress=False)
    assert result.trials[0].status == COMPLETED


@pytest.mark.parametrize("value", ["lots", "-5", "0", "inf"])
def test_invalid_memory_cap_is_a_config_error_before_any_work(frame, monkeypatch, value):
    monkeypatch.setenv("AUTOML_TRIAL_MEMORY_MB", value)
    with refused(ConfigError, match=f"AUTOML_TRIAL_MEMORY_MB={value!r}.*megabytes"):
        quick_job(frame).submit(show_progress=False)


class BreakFolder:
    """After the first trial, replaces ``folder`` by a file: nothing can be written under it
    (whoever runs the test, root included, unlike a chmod)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.broken_after: str | None = None

    def trial_finished(self, result) -> None:
        if self.broken_after is None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder.write_text("not a folder any more\n")
            self.broken_after = result.name


def test_artifact_folder_unwritable_mid_job(frame, tmp_path, monkeypatch):
    store = tmp_path / "store"
    store.mkdir()
    uri = f"sqlite:///{store / 'mlflow.db'}"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    monkeypatch.delenv("AUTOML_TRACKING", raising=False)
    breaker = BreakFolder(store / "mlruns")
    job = quick_job(frame, algorithms=("LogisticRegression", "DecisionTree"), max_trials=2,
                    n_cross_validations=2, name="unwritable", experiment_name="robustness")
    result, ledger = run_observed(job, breaker)

    assert breaker.broken_after == "unwritable_0"
    assert result.status == "Completed" and len(result.trials) == 2
    assert_best_kept(result, ledger)
    errors = "\n".join(result.tracking_errors)
    assert "artifacts of job unwritable not logged" in errors
    assert "best model of job unwritable not logged" in errors
    client = MlflowClient(uri)
    children = client.search_runs([client.get_run(result.mlflow_run_id).info.experiment_id],
                                  f"tags.mlflow.parentRunId = '{result.mlflow_run_id}'")
    assert sorted(r.info.run_name for r in children) == ["unwritable_0", "unwritable_1"]
    assert client.get_run(result.mlflow_run_id).data.tags["status"] == "Completed"
    assert not (tmp_path / "mlruns").exists()  # nothing went around the broken folder to the cwd
