"""Logging that cannot finish by the job's time limit goes on in the background, and the result says so."""
from __future__ import annotations

import threading
import time

import pytest

import automl
import automl.jobs._default_observers
from automl.tracking import MlflowTracker
from automl.tracking._store import make_client


class HeldArtifactsClient:
    """A real client whose ``log_artifacts`` (the parent run's files) waits until ``release`` is set."""

    def __init__(self, uri: str, release: threading.Event):
        self._client = make_client(uri)
        self._release = release

    def log_artifacts(self, *args, **kwargs):
        self._release.wait(120)
        return self._client.log_artifacts(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._client, name)


def _tree_job(frame, name: str, max_trials: int, timeout_minutes: float) -> automl.jobs.AutoMLJob:
    """A tracked job of DecisionTree trials, one at a time, without ensembles."""
    job = automl.classification(training_data=frame, target_column_name="label", name=name,
                                experiment_name="tracking-budget", log_verbosity="warning")
    job.set_limits(max_trials=max_trials, max_concurrent_trials=1, timeout_minutes=timeout_minutes)
    job.set_training(allowed_training_algorithms=["DecisionTree"], enable_vote_ensemble=False,
                     enable_stack_ensemble=False)
    return job


def test_logging_past_the_limit_goes_on_in_the_background_and_is_recorded_when_done(
        small_classification_frame, monkeypatch, tracking_uri):
    release = threading.Event()

    class Tracker(MlflowTracker):
        def __init__(self, tracking_uri=None):
            super().__init__(tracking_uri, client_factory=lambda uri: HeldArtifactsClient(uri, release))

    monkeypatch.setattr(automl.jobs._default_observers, "MlflowTracker", Tracker)
    job = _tree_job(small_classification_frame, "held_logging", max_trials=2, timeout_minutes=0.1)
    result = job.submit(show_progress=False)

    # submit() returned at the job's limit with the parent's files still being logged.
    assert result.best_model is not None
    assert result.tracking_pending[0] == "artifacts of job held_logging"
    assert "end of parent run of job held_logging" in result.tracking_pending
    note = next(n for n in result.budget_notes if n.startswith("MLflow logging goes on in the background"))
    assert "artifacts of job held_logging" in note
    assert result.mlflow_run_id is None  # recorded by the last queued call, not yet run

    assert not result.wait_for_tracking(timeout=0.5)  # still held
    release.set()
    assert result.wait_for_tracking(timeout=60)
    assert result.tracking_pending == [] and result.tracking_errors == []
    assert result.mlflow_run_id is not None and "mlflow" in result.logged_models
    run = make_client(tracking_uri).get_run(result.mlflow_run_id)
    assert run.info.status == "FINISHED"


@pytest.mark.timing  # the time job_finished takes, against the job's limit
def test_a_job_at_its_limit_does_not_wait_for_logging_past_it(small_classification_frame, monkeypatch,
                                                               tracking_uri):
    release, finishing = threading.Event(), []

    class LateTracker(MlflowTracker):
        """As if the job came to its end a second after its limit, with the parent's files held."""

        def __init__(self, tracking_uri=None):
            super().__init__(tracking_uri, client_factory=lambda uri: HeldArtifactsClient(uri, release))

        def finish_by(self, deadline):
            super().finish_by(time.monotonic() - 1.0)

        def job_finished(self, job, result):
            started = time.monotonic()
            super().job_finished(job, result)
            finishing.append(time.monotonic() - started)

    monkeypatch.setattr(automl.jobs._default_observers, "MlflowTracker", LateTracker)
    job = _tree_job(small_classification_frame, "late_logging", max_trials=1, timeout_minutes=1)
    try:
        result = job.submit(show_progress=False)
        # Past the limit nothing more is waited for: the logging goes on in the background.
        assert finishing and finishing[0] < 0.3, finishing
        assert "artifacts of job late_logging" in result.tracking_pending
        assert any(n.startswith("MLflow logging goes on in the background after 0.0 s") for n in result.budget_notes)
    finally:
        release.set()
    assert result.wait_for_tracking(timeout=60)
    assert result.tracking_pending == [] and result.mlflow_run_id is not None


def test_the_logging_is_waited_for_until_the_limit_less_the_writing_of_the_result(small_classification_frame,
                                                                                  monkeypatch, tracking_uri):
    import automl.engine._run

    real_cluster_for_training = automl.engine._run.cluster_for_training

    def slow_start(*args):  # a second spent before the job's run, which the limit counts too
        time.sleep(1.0)
        return real_cluster_for_training(*args)

    deadlines = []

    class RecordingTracker(MlflowTracker):
        def finish_by(self, deadline):
            deadlines.append(deadline)
            super().finish_by(deadline)

    monkeypatch.setattr(automl.jobs._default_observers, "MlflowTracker", RecordingTracker)
    monkeypatch.setattr(automl.engine._run, "result_write_seconds", lambda *args: 30.0)
    monkeypatch.setattr(automl.engine._run, "cluster_for_training", slow_start)
    job = _tree_job(small_classification_frame, "result_write", max_trials=1, timeout_minutes=1)
    submitted = time.monotonic()
    result = job.submit(show_progress=False)
    # The limit is 63 s after the call to submit(), the second before the job's run included.
    assert submitted + 63 - 30 <= deadlines[0] <= submitted + 0.5 + 63 - 30
    assert result.timings["setup"] >= 1.0


EXIT_SCRIPT = """
import pathlib, tempfile, time
from automl.tracking._worker import LoggingWorker

def slow_logging():
    with tempfile.TemporaryDirectory() as folder:
        path = pathlib.Path(folder) / "report.html"
        path.write_text("<html></html>")
        time.sleep(1.5)
        print("logged", path.read_text(), flush=True)

worker = LoggingWorker()
worker.submit("report", slow_logging)
time.sleep(0.3)
worker.close(exit_timeout=30)
print("main done", flush=True)
"""


def test_the_process_exit_waits_for_logging_still_running_and_keeps_its_temporary_files():
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", EXIT_SCRIPT], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["main", "done", "logged", "<html></html>"]
