"""Run trials on a Dask cluster: ``compute="dask://host:port"`` or a ``distributed.Client``.

The trial data is scattered to every worker once. On the worker each trial runs
in a child process (``python -m automl.engine.scheduler._child``) so a trial past its
deadline, or one that crashes, is stopped without taking the worker down; the
child ends itself if its worker dies. A trial whose worker is lost is run once
more (the data is sent again if it was lost too), within its original deadline;
lost a second time, it is recorded ``Failed`` with both reasons.
"""
from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import CancelledError
from pathlib import Path
from typing import Any

from distributed import KilledWorker, get_worker

from automl.errors import ConfigError
from automl.engine.scheduler._child import PARENT_VARIABLE
from automl.engine.scheduler._trial_engine import RunningTrial, canceled, died, ended_result
from automl.core import FAILED, TrialData, TrialResult, TrialSpec, remove_from_workers

#: How long to wait for a cluster before giving up, in seconds.
CONNECT_TIMEOUT = 10
#: Extra seconds after a trial's deadline before the scheduler gives up on the worker.
DEADLINE_GRACE = 15.0
#: Seconds a trial whose worker was lost waits for a worker to run it again.
RETRY_WAIT_SECONDS = 60.0
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


def _data_folder(token: str) -> str:
    """The name of this job's folder in each worker's local directory (removed when the job ends,
    and by the worker when it closes)."""
    return f"automl-dask-{token}"


def _worker_data_path(token: str, data: TrialData) -> str:
    """Write the scattered trial data to a worker-local file once per job."""
    import joblib

    try:
        root = get_worker().local_directory
    except ValueError:  # called outside a worker
        root = tempfile.gettempdir()
    path = Path(root) / _data_folder(token) / "trial_data.joblib"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{uuid.uuid4().hex}.tmp")
        joblib.dump(data, partial)
        os.replace(partial, path)
    return str(path)


def run_on_worker(spec: TrialSpec, data: TrialData, token: str, primary_metric: str, n_jobs: int,
                  seconds: float, reason: str, cancel_name: str,
                  memory_limit_bytes: int | None = None) -> TrialResult:
    """The Dask task: one trial in a child process, stopped at its deadline or on cancellation."""
    from distributed import Event

    data_path = _worker_data_path(token, data)
    # in the job's folder: a worker killed mid-trial leaves it where the job's end or Dask removes it
    work = Path(tempfile.mkdtemp(prefix="trial-", dir=Path(data_path).parent))
    spec_path, out_path = work / "spec.pkl", work / "result.pkl"
    spec_path.write_bytes(pickle.dumps((spec, primary_metric, n_jobs, memory_limit_bytes)))
    env = {**os.environ, "OMP_NUM_THREADS": str(n_jobs), PARENT_VARIABLE: str(os.getpid())}
    record = RunningTrial(spec, time.time(), time.monotonic(), time.monotonic() + seconds, reason)
    process = subprocess.Popen([sys.executable, "-m", "automl.engine.scheduler._child", str(spec_path),
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

    def __init__(self, compute: Any, slots: int, primary_metric: str, n_jobs: int = 1,
                 memory_limit_bytes: int | None = None):
        self.client, self._owns_client = connect(compute)
        self.slots = slots
        self.primary_metric = primary_metric
        self.n_jobs = n_jobs
        self.memory_limit_bytes = memory_limit_bytes
        self._token = uuid.uuid4().hex
        self._cancel_name = f"automl-cancel-{self._token}"
        self._data = None
        self._source: TrialData | None = None
        self._running: dict[int, RunningTrial] = {}
        self._retried: dict[int, str] = {}  # iteration -> why its first attempt was lost

    @property
    def n_running(self) -> int:
        """Trials started and not yet returned."""
        return len(self._running)

    def open(self, data: TrialData) -> None:
        """Send the trial data to every worker once (kept here to send again if workers lose it)."""
        self._source = data
        self._data = self.client.scatter(data, broadcast=True)

    def _task(self, spec: TrialSpec, deadline: float, reason: str, suffix: str = "") -> Any:
        seconds = max(0.0, deadline - time.monotonic())
        return self.client.submit(run_on_worker, spec, self._data, self._token, self.primary_metric,
                                  self.n_jobs, seconds, reason, self._cancel_name,
                                  self.memory_limit_bytes, pure=False,
                                  key=f"automl-trial-{self._token}-{spec.iteration}{suffix}")

    def submit(self, spec: TrialSpec, deadline: float, reason: str) -> None:
        """Submit ``spec`` as a task."""
        future = self._task(spec, deadline, reason)
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
        except CancelledError:  # a task forgotten with a lost worker: collected below
            pass
        finished = []
        now = time.monotonic()
        for key, trial in list(self._running.items()):
            future = trial.handle
            if future.done() or future.status in ("cancelled", "lost", "error"):
                result = self._collect(key)
                if result is not None:
                    finished.append(result)
            elif now >= trial.deadline + DEADLINE_GRACE:
                self._running.pop(key)
                future.cancel()
                finished.append(canceled(trial))
        return finished

    def _collect(self, key: int) -> TrialResult | None:
        """The trial's result; None when its worker was lost and it was submitted again."""
        trial = self._running.pop(key)
        try:
            result = trial.handle.result()
        except Exception as exc:  # a lost worker or a task error fails this trial only
            why = f"{type(exc).__name__}: {str(exc)[:200] or 'no message'}"
            if isinstance(exc, (CancelledError, KilledWorker)):
                if key not in self._retried:
                    return self._retry(trial, why)
                return ended_result(trial, FAILED, (
                    f"its Dask worker was lost twice ({self._retried[key]}; then {why}); the trial "
                    "was retried once and is marked Failed"))
            return ended_result(trial, FAILED, f"the Dask task failed: {why}")
        if key in self._retried and result.error is None:
            result.error = f"its Dask worker was lost ({self._retried[key]}); the trial was run again"
        return result

    def _retry(self, trial: RunningTrial, why: str) -> TrialResult | None:
        """Submit a trial whose worker was lost once more (sending the data again if it was lost
        with the worker), within the trial's original deadline."""
        key = trial.spec.iteration
        self._retried[key] = why
        try:
            if not self._data_held():
                self.client.wait_for_workers(1, timeout=RETRY_WAIT_SECONDS)
                self._data = self.client.scatter(self._source, broadcast=True, hash=False)
            trial.handle = self._task(trial.spec, trial.deadline, trial.reason, "-retry")
        except Exception as exc:  # no worker came back: the trial fails, the job goes on
            return ended_result(trial, FAILED, (
                f"its Dask worker was lost ({why}) and the trial could not be run again: "
                f"{type(exc).__name__}: {exc}"))
        self._running[key] = trial
        return None

    def _data_held(self) -> bool:
        """Whether a live worker still holds the scattered data, asked of the scheduler.

        The future's own status is not enough: the client learns of the data's loss
        through a separate message, which can arrive after the trial's own failure.
        """
        if self._data is None or self._data.status != "finished":
            return False
        return bool(self.client.who_has(self._data).get(self._data.key))

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
        """Stop running trials, delete the data files on the workers, release the data, close our
        own client."""
        self.cancel_all("the job ended")
        remove_from_workers(self.client, _data_folder(self._token))
        if self._data is not None:
            self.client.cancel(self._data)
        if self._owns_client:
            self.client.close()
