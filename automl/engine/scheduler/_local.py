"""The default engine: each trial in its own process on this machine.

Trial processes are forked from a forkserver that has imported the learners
once, so starting one costs tens of milliseconds, and none inherits the
parent's threads or OpenMP state. A trial past its deadline, or one that
crashes, takes only its own process down.

The forkserver holds the learners' libraries (about 250 MB). It is stopped when the last
engine of this process closes, so that nothing of the search stays behind the job's
refit, export and scoring, unless :data:`KEEP_SERVER_VARIABLE` is set (many small jobs in
one process, as a test suite runs: each would otherwise start it again, about 1.3 s).
"""
from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import sys
import threading
import time
from multiprocessing.connection import wait as wait_for
from typing import Iterator

from automl.engine.scheduler._child import process_main
from automl.engine.scheduler._trial_engine import RunningTrial, canceled, died
from automl.engine.scheduler._shared import SharedTrialData
from automl.core import TrialData, TrialResult, TrialSpec

_CONTEXT = mp.get_context("forkserver")
_CONTEXT.set_forkserver_preload(["automl.engine.scheduler._child"])
_START_LOCK = threading.Lock()
#: Set to 1 to keep the forkserver running between jobs.
KEEP_SERVER_VARIABLE = "AUTOML_KEEP_TRIAL_SERVER"
_SERVER_LOCK = threading.Lock()
_server_users = 0  # local engines of this process between warm_up and close


def _stop_server() -> None:
    """Stop the forkserver (multiprocessing has no public way; ``_stop`` is what its own tests use)."""
    from multiprocessing import forkserver

    stop = getattr(forkserver._forkserver, "_stop", None)
    if stop is not None:
        stop()


@contextlib.contextmanager
def _main_script_not_rerun() -> Iterator[None]:
    """Start children without re-running the user's ``__main__`` script in them.

    multiprocessing re-imports a script's ``__main__`` in every spawned or
    forkserver child, which re-runs a script written without an
    ``if __name__ == "__main__":`` guard (starting the job again). Trial
    processes only need automl's own modules, so the script's path is hidden
    while a child starts.
    """
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if path is None or getattr(main, "__spec__", None) is not None:
        yield
        return
    with _START_LOCK:
        del main.__file__
        try:
            yield
        finally:
            main.__file__ = path


class LocalProcessEngine:
    """Runs up to ``slots`` trials at once in local processes.

    Parameters
    ----------
    slots : int
        Concurrent trials (``max_concurrent_trials``).
    primary_metric : str
        Metric the trials report as their score.
    n_jobs : int
        Threads per trial (``max_cores_per_trial``).
    memory_limit_bytes : int or None
        Bytes each trial process may map beyond the libraries it starts with
        (``RLIMIT_AS``); a trial over it fails alone with a ``MemoryError``.
    """

    def __init__(self, slots: int, primary_metric: str, n_jobs: int = 1,
                 memory_limit_bytes: int | None = None):
        self.slots = slots
        self.primary_metric = primary_metric
        self.n_jobs = n_jobs
        self.memory_limit_bytes = memory_limit_bytes
        self._shared: SharedTrialData | None = None
        self._running: dict[int, RunningTrial] = {}
        self._uses_server = False

    @property
    def n_running(self) -> int:
        """Trials started and not yet returned."""
        return len(self._running)

    def warm_up(self) -> None:
        """Start the forkserver now: it imports the learners while the job prepares its data."""
        global _server_users
        from multiprocessing import forkserver

        with _SERVER_LOCK, _main_script_not_rerun():
            if not self._uses_server:
                self._uses_server, _server_users = True, _server_users + 1
            forkserver.ensure_running()

    def open(self, data: TrialData) -> None:
        """Write the trial data once for every trial process to map."""
        self._shared = SharedTrialData(data)

    def submit(self, spec: TrialSpec, deadline: float, reason: str) -> None:
        """Start a process for ``spec``."""
        receiver, sender = _CONTEXT.Pipe(duplex=False)
        process = _CONTEXT.Process(
            target=process_main, name=f"automl-trial-{spec.iteration}", daemon=True,
            args=(sender, spec, str(self._shared.path), self.primary_metric, self.n_jobs,
                  self.memory_limit_bytes))
        with _main_script_not_rerun():
            process.start()
        sender.close()
        self._running[spec.iteration] = RunningTrial(spec, time.time(), time.monotonic(), deadline,
                                                     reason, (process, receiver))

    def wait(self, timeout: float) -> list[TrialResult]:
        """Collect trials that ended; stop those past their deadline."""
        if not self._running:
            return []
        next_deadline = min(t.deadline for t in self._running.values())
        timeout = max(0.0, min(timeout, next_deadline - time.monotonic()))
        handles = {}
        for key, trial in self._running.items():
            process, receiver = trial.handle
            handles[receiver] = key
            handles[process.sentinel] = key
        ready = {handles[h] for h in wait_for(list(handles), timeout)}
        finished = [self._collect(key) for key in sorted(ready)]
        now = time.monotonic()
        overdue = [k for k, t in self._running.items() if now >= t.deadline]
        finished += [self._stop(key) for key in overdue]
        return finished

    def _collect(self, key: int) -> TrialResult:
        trial = self._running.pop(key)
        process, receiver = trial.handle
        result = None
        try:
            if receiver.poll():
                result = receiver.recv()
        except (EOFError, OSError):
            result = None
        finally:
            receiver.close()
        process.join(timeout=5)
        if process.is_alive():
            process.kill()
            process.join()
        return result if result is not None else died(trial, process.exitcode)

    def _stop(self, key: int, reason: str | None = None) -> TrialResult:
        trial = self._running.pop(key)
        process, receiver = trial.handle
        process.kill()
        process.join()
        receiver.close()
        return canceled(trial, reason)

    def cancel_all(self, reason: str) -> list[TrialResult]:
        """Stop every running trial."""
        return [self._stop(key, reason) for key in list(self._running)]

    def close(self) -> None:
        """Stop what still runs, delete the shared data, and stop the forkserver when no other
        engine of this process uses it (unless :data:`KEEP_SERVER_VARIABLE` is set)."""
        global _server_users
        self.cancel_all("the job ended")
        if self._shared is not None:
            self._shared.remove()
            self._shared = None
        with _SERVER_LOCK:
            if not self._uses_server:
                return
            self._uses_server, _server_users = False, _server_users - 1
            if _server_users == 0 and os.environ.get(KEEP_SERVER_VARIABLE, "") not in ("1", "true"):
                _stop_server()
