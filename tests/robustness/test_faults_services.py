"""Faults of the services a job uses: the MLflow server going away mid-job, a Dask worker lost
mid-trial (once: the trial is run again; twice: it is marked Failed).
"""
from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import dask
import pytest
from distributed import Client, LocalCluster
from mlflow import MlflowClient

from automl.jobs import default_observers
from automl.engine import run_job
from automl.testing import registered_test_algorithm
from automl.tracking import MlflowTracker
from automl.core import COMPLETED, FAILED
from tests._mlflow_server import free_port, kill_group, start_server
from tests.robustness.conftest import TrialLedger, assert_best_kept, quick_job, run_observed

# -- an MLflow server that goes away --------------------------------------------------------


class KillServerAfterFirstTrial:
    """Once the first trial's child run is logged, kills the server (SIGKILL, whole group)."""

    def __init__(self, server: subprocess.Popen, tracker: MlflowTracker) -> None:
        self.server, self.tracker = server, tracker
        self.killed_after: str | None = None

    def trial_finished(self, result) -> None:
        if self.killed_after is None:
            self.tracker._worker.drain(60)  # the first child run reached the server
            kill_group(self.server)
            self.killed_after = result.name


def test_mlflow_server_going_away_mid_job(frame, tmp_path, monkeypatch):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = start_server(tmp_path, port)
    try:
        monkeypatch.chdir(tmp_path)
        monkeypatch.setenv("MLFLOW_TRACKING_URI", url)
        monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
        monkeypatch.setenv("MLFLOW_HTTP_REQUEST_TIMEOUT", "5")
        monkeypatch.delenv("AUTOML_TRACKING", raising=False)
        job = quick_job(frame, algorithms=("LogisticRegression", "DecisionTree"),
                        max_trials=2, n_cross_validations=2, name="server_lost",
                        experiment_name="robustness-server")
        observers = default_observers(job, show_progress=False)
        tracker = next(o for o in observers if isinstance(o, MlflowTracker))
        killer, ledger = KillServerAfterFirstTrial(server, tracker), TrialLedger()
        started = time.monotonic()
        result = run_job(job, observers + [killer, ledger])
        print(f"job with its MLflow server killed after trial 0: {time.monotonic() - started:.1f} s")
    finally:
        kill_group(server)

    assert killer.killed_after == "server_lost_0"
    assert result.status == "Completed" and len(result.trials) == 2
    assert_best_kept(result, ledger)
    errors = "\n".join(result.tracking_errors)
    assert "child run server_lost_0" not in errors
    assert "child run server_lost_1 not logged" in errors
    assert "end of parent run of job server_lost not logged" in errors
    assert "best model of job server_lost not logged" in errors
    # What reached the server before it went away is in its store.
    client = MlflowClient(f"sqlite:///{tmp_path / 'backend.db'}")
    children = client.search_runs([client.get_run(result.mlflow_run_id).info.experiment_id],
                                  f"tags.mlflow.parentRunId = '{result.mlflow_run_id}'")
    assert [r.info.run_name for r in children] == ["server_lost_0"]


# -- a Dask worker lost mid-trial -------------------------------------------------------------
#: How long a LocalCluster waits for a killed worker to come back before it closes its nanny for
#: good (Dask's ``distributed.deploy.lost-worker-timeout``, 15 s by default). At the default, the
#: timer of one test's kill could fire during the next test's kill, while the restarted worker had
#: not yet registered, and leave the job without a worker.
LOST_WORKER_TIMEOUT = "10 minutes"


@pytest.fixture
def one_worker():
    """A LocalCluster of one worker process: losing it loses the scattered trial data too. Its
    nanny restarts a killed worker and is never retired while the test runs."""
    with dask.config.set({"distributed.deploy.lost-worker-timeout": LOST_WORKER_TIMEOUT}):
        cluster = LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
        yield client
        client.close()
        cluster.close()


class KillWorkerDuringTrial:
    """Kills (SIGKILL) the worker running the trial of ``algorithm``, ``times`` times: each time
    once an attempt of that trial has run on it for ``after_seconds``."""

    def __init__(self, client: Client, algorithm: str, times: int, after_seconds: float = 1.0) -> None:
        self.client, self.algorithm, self.times, self.after_seconds = client, algorithm, times, after_seconds
        self.kills = 0

    def trial_started(self, spec) -> None:
        if spec.algorithm.name == self.algorithm:
            threading.Thread(target=self._kill, args=(spec.iteration,), daemon=True).start()

    def _attempt_worker(self, iteration: int, attempt: int) -> str | None:
        suffix = f"-{iteration}" + ("-retry" if attempt else "")
        for worker, keys in self.client.processing().items():
            if any(str(k).endswith(suffix) for k in keys):
                return worker
        return None

    def _kill(self, iteration: int) -> None:
        for attempt in range(self.times):
            deadline = time.monotonic() + 60
            worker = None
            while worker is None and time.monotonic() < deadline:
                time.sleep(0.2)
                worker = self._attempt_worker(iteration, attempt)
            if worker is None:
                return
            time.sleep(self.after_seconds)
            pid = self.client.run(os.getpid, workers=[worker])[worker]
            os.kill(pid, signal.SIGKILL)
            self.kills += 1


@pytest.mark.parametrize("times, status", [(1, COMPLETED), (2, FAILED)], ids=["lost-once", "lost-twice"])
def test_dask_worker_lost_mid_trial(frame, one_worker, times, status):
    killer = KillWorkerDuringTrial(one_worker, "Sleeper", times)
    with registered_test_algorithm("classification", "Sleeper", "sleep", priority=6, seconds=1.5):
        job = quick_job(frame, algorithms=("LogisticRegression", "Sleeper", "DecisionTree"),
                        max_trials=3, n_cross_validations=2)
        job.set_limits(trial_timeout_minutes=1.5)
        before = set(Path(tempfile.gettempdir()).glob("automl-trial-*"))
        result, ledger = run_observed(job, killer, compute=one_worker)
    # the killed trial's folder was in the job's folder on the worker, which Dask purges, not in /tmp
    assert set(Path(tempfile.gettempdir()).glob("automl-trial-*")) <= before
    by_algorithm = {t.algorithm: t for t in result.trials}
    sleeper = by_algorithm["Sleeper"]
    assert killer.kills == times and sleeper.status == status
    if status == COMPLETED:
        assert "its Dask worker was lost" in sleeper.error and "run again" in sleeper.error
    else:
        assert "lost twice" in sleeper.error and "retried once" in sleeper.error
    assert by_algorithm["LogisticRegression"].status == COMPLETED
    assert by_algorithm["DecisionTree"].status == COMPLETED
    assert result.status == "Completed" and len(result.trials) == 3
    assert_best_kept(result, ledger)
