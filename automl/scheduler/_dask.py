"""Run trials on a Dask cluster: ``compute="dask://host:port"`` or a ``distributed.Client``.

The trial data is scattered to every worker once. On the worker each trial runs
in a child process (``python -m automl.scheduler._child``) so a trial past its
deadline, or one that crashes, is stopped without taking the worker down.
"""
from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from automl.errors import ConfigError
from automl.scheduler._engine import RunningTrial, canceled, died, ended_result
from automl.trials import FAILED, TrialData, TrialResult, TrialSpec

#: How long to wait for a cluster before giving up, in seconds.
CONNECT_TIMEOUT = 10
#: Extra seconds after a trial's deadline before the scheduler gives up on the worker.
DEADLINE_GRACE = 15.0
_POLL = 0.25


def connect(compute: Any):
    """A ``distributed.Client`` for ``compute`` (an address or a client), checked before any work."""
    from distributed import Client

    if isinstance(compute, Client):
        return compute, False
    address = str(compute)
    target = address[len("dask://"):] if address.startswith("dask://") else address
    try:
        return Client(f"tcp://{target}" if "://" not in target else target,
                      timeout=CONNECT_TIMEOUT, set_as_default=False), True
    except (OSError, TimeoutError) as exc:
        raise ConfigError(
            f"compute={address!r}: no Dask scheduler answered within {CONNECT_TIMEOUT} s ({exc}). "
            "Start one (dask scheduler / LocalCluster) or use compute='local'.") from None


def _worker_data_path(token: str, data: TrialData) -> str:
    """Write the scattered trial data to a worker-local file once per job."""
    import joblib

    path = Path(tempfile.gettempdir()) / f"automl-dask-{token}" / "trial_data.joblib"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{uuid.uuid4().hex}.tmp")
        joblib.dump(data, partial)
        os.replace(partial, path)
    return str(path)


def run_on_worker(spec: TrialSpec, data: TrialData, token: str, primary_metric: str, n_jobs: int,
                  seconds: float, reason: str, cancel_name: str) -> TrialResult:
    """The Dask task: one trial in a child process, stopped at its deadline or on cancellation."""
    from distributed import Event

    data_path = _worker_data_path(token, data)
    work = Path(tempfile.mkdtemp(prefix="automl-trial-"))
    spec_path, out_path = work / "spec.pkl", work / "result.pkl"
    spec_path.write_bytes(pickle.dumps((spec, primary_metric, n_jobs, None)))
    env = {**os.environ, "OMP_NUM_THREADS": str(n_jobs)}
    record = RunningTrial(spec, time.time(), time.monotonic(), time.monotonic() + seconds, reason)
    process = subprocess.Popen([sys.executable, "-m", "automl.scheduler._child", str(spec_path),
                                data_path, str(out_path)], env=env, stderr=subprocess.PIPE)
    cancel = Event(cancel_name)
    try:
        while process.poll() is None:
            if time.monotonic() >= record.deadline:
                process.kill()
                return canceled(record)
            if cancel.is_set():
                process.kill()
                return canceled(record, "canceled while running on the cluster")
            time.sleep(_POLL)
        if out_path.exists():
            return pickle.loads(out_path.read_bytes())
        return died(record, process.returncode)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        for path in (spec_path, out_path):
            path.unlink(missing_ok=True)
        work.rmdir()


class DaskEngine:
    """Runs trials as Dask tasks, at most ``slots`` at a time."""

    def __init__(self, compute: Any, slots: int, primary_metric: str, n_jobs: int = 1):
        self.client, self._owns_client = connect(compute)
        self.slots = slots
        self.primary_metric = primary_metric
        self.n_jobs = n_jobs
        self._token = uuid.uuid4().hex
        self._cancel_name = f"automl-cancel-{self._token}"
        self._data = None
        self._running: dict[int, RunningTrial] = {}

    @property
    def n_running(self) -> int:
        """Trials started and not yet returned."""
        return len(self._running)

    def open(self, data: TrialData) -> None:
        """Send the trial data to every worker once."""
        self._data = self.client.scatter(data, broadcast=True)

    def submit(self, spec: TrialSpec, deadline: float, reason: str) -> None:
        """Submit ``spec`` as a task."""
        seconds = max(0.0, deadline - time.monotonic())
        future = self.client.submit(run_on_worker, spec, self._data, self._token, self.primary_metric,
                                    self.n_jobs, seconds, reason, self._cancel_name, pure=False,
                                    key=f"automl-trial-{self._token}-{spec.iteration}")
        self._running[spec.iteration] = RunningTrial(spec, time.time(), time.monotonic(), deadline,
                                                     reason, future)

    def wait(self, timeout: float) -> list[TrialResult]:
        """Collect finished tasks; give up on tasks far past their deadline."""
        from distributed import wait as wait_futures

        if not self._running:
            return []
        futures = [t.handle for t in self._running.values()]
        try:
            wait_futures(futures, timeout=timeout, return_when="FIRST_COMPLETED")
        except TimeoutError:  # nothing finished within ``timeout``
            pass
        finished = []
        now = time.monotonic()
        for key, trial in list(self._running.items()):
            future = trial.handle
            if future.done():
                finished.append(self._collect(key))
            elif now >= trial.deadline + DEADLINE_GRACE:
                self._running.pop(key)
                future.cancel()
                finished.append(canceled(trial))
        return finished

    def _collect(self, key: int) -> TrialResult:
        trial = self._running.pop(key)
        try:
            return trial.handle.result()
        except Exception as exc:  # a lost worker or a task error fails this trial only
            return ended_result(trial, FAILED, f"the Dask task failed: {type(exc).__name__}: {exc}")

    def cancel_all(self, reason: str) -> list[TrialResult]:
        """Tell workers to stop their trials and forget the tasks."""
        from distributed import Event

        if not self._running:
            return []
        Event(self._cancel_name, client=self.client).set()
        results = []
        for key in list(self._running):
            trial = self._running.pop(key)
            trial.handle.cancel()
            results.append(canceled(trial, reason))
        return results

    def close(self) -> None:
        """Stop running trials, release the data, close our own client."""
        self.cancel_all("the job ended")
        if self._data is not None:
            self.client.cancel(self._data)
        if self._owns_client:
            self.client.close()
