"""Tracking never fails a job: what could not be logged is listed on the result."""
from __future__ import annotations

import socket

import pytest

import automl
import automl.tracking
from automl.tracking import MlflowTracker
from automl.tracking._store import make_client


class FlakyClient:
    """A real client that loses its store after ``healthy_calls`` calls."""

    def __init__(self, uri: str, healthy_calls: int):
        self._client = make_client(uri)
        self.calls = 0
        self.healthy_calls = healthy_calls

    def __getattr__(self, name):
        method = getattr(self._client, name)

        def call(*args, **kwargs):
            self.calls += 1
            if self.calls > self.healthy_calls:
                raise ConnectionError("Connection refused: the tracking server went away")
            return method(*args, **kwargs)
        return call


def _small_job(frame, name):
    job = automl.classification(training_data=frame, target_column_name="label", name=name,
                                experiment_name="tracking-failures", log_verbosity="warning")
    job.set_limits(max_trials=3, max_concurrent_trials=1)
    job.set_training(allowed_training_algorithms=["LogisticRegression", "DecisionTree", "LightGBM"],
                     enable_vote_ensemble=False, enable_stack_ensemble=False)
    return job


def test_store_lost_mid_job(small_classification_frame, monkeypatch):
    # Parent run: get/create experiment + create_run + log_batch; then one child (3 calls).
    healthy = 4 + 3

    class Tracker(MlflowTracker):
        def __init__(self, tracking_uri=None):
            super().__init__(tracking_uri, client_factory=lambda uri: FlakyClient(uri, healthy))

    monkeypatch.setattr(automl.jobs._default_observers, "MlflowTracker", Tracker)  # what default_observers builds
    result = _small_job(small_classification_frame, "lost_store").submit(show_progress=False)

    assert result.status == "Completed" and result.best_model is not None
    assert result.mlflow_run_id is not None
    errors = "\n".join(result.tracking_errors)
    first_child, *others = [t.name for t in result.trials]
    assert first_child not in errors
    for name in others:
        assert f"child run {name} not logged" in errors
    assert "artifacts of job lost_store not logged" in errors
    assert "end of parent run of job lost_store not logged" in errors


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_server_from_the_start(small_classification_frame, monkeypatch):
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"http://127.0.0.1:{_closed_port()}")
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_TIMEOUT", "5")
    result = _small_job(small_classification_frame, "no_server").submit(show_progress=False)

    assert result.status == "Completed" and result.best_model is not None
    assert result.mlflow_run_id is None
    assert result.tracking_errors[0].startswith("parent run of job no_server not logged")
    assert all("unreachable" in e for e in result.tracking_errors[1:])
    assert len(result.tracking_errors) >= 1 + len(result.trials)


def test_flush_timeout_lists_what_is_pending():
    import threading

    from automl.tracking._worker import LoggingWorker

    worker = LoggingWorker()
    release = threading.Event()
    worker.submit("slow call", lambda: release.wait(5))
    worker.submit("child run x_1", lambda: None)
    worker.submit("bookkeeping", lambda: None, always=True)
    assert worker.drain(0.2) is False
    assert worker.pending() == ["slow call", "child run x_1"]
    release.set()
    assert worker.drain(5)
    worker.close()


@pytest.mark.parametrize("error, broken", [
    (ConnectionError("refused"), True),
    (RuntimeError("API request to http://x/api failed with exception Max retries exceeded"), True),
    (ValueError("bad param"), False),
])
def test_only_unreachable_stores_stop_the_worker(error, broken):
    from automl.tracking._worker import LoggingWorker

    worker = LoggingWorker()
    ran = []

    def fail():
        raise error
    worker.submit("first", fail)
    worker.submit("second", lambda: ran.append(1))
    assert worker.drain(5)
    worker.close()
    assert worker.broken is broken
    assert worker.errors[0].startswith("first not logged")
    assert (ran == []) is broken
