"""A background thread that runs logging calls in order, so trials never wait for MLflow.

A call that fails is recorded with what it was meant to log. After a failure
that says the store is unreachable, the remaining calls are not attempted (each
would wait through the client's retries): they are recorded as not logged. A worker
closed with calls still queued finishes them in the background; at the exit of the
process it is given up to its ``exit_timeout`` to do so.
"""
from __future__ import annotations

import atexit
import logging
import queue
import threading
import time
import weakref
from typing import Callable

from automl.tracking._store import quiet_mlflow, redact

logger = logging.getLogger("automl")

_UNREACHABLE_HINTS = ("API request to", "Max retries exceeded", "Connection refused",
                      "Failed to establish a new connection", "timed out", "database is locked",
                      "unable to open database")


def unreachable(exc: BaseException) -> bool:
    """Whether ``exc`` (or what caused it) says the tracking store cannot be reached."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, (ConnectionError, TimeoutError)) or any(
                hint in str(exc) for hint in _UNREACHABLE_HINTS):
            return True
        if type(exc).__module__.startswith(("requests", "urllib3")):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


#: Workers closed with calls still queued: the exit of the process waits for them.
_CLOSING: weakref.WeakSet = weakref.WeakSet()


def _finish_at_exit() -> None:
    for worker in list(_CLOSING):
        worker.drain(worker.exit_timeout)


def _wait_at_exit(worker: LoggingWorker) -> None:
    """Make the exit of the process wait for ``worker``. The hook is registered again each time so
    that it runs before the exit hooks registered earlier (atexit runs the last first): among them
    the one that deletes live temporary folders, which a call still running may be writing to."""
    _CLOSING.add(worker)
    atexit.unregister(_finish_at_exit)
    atexit.register(_finish_at_exit)


class LoggingWorker:
    """Runs ``(description, call)`` items on one daemon thread, in order.

    Attributes
    ----------
    errors : list of str
        ``"<description> not logged: <error>"`` for every call that failed or was skipped.
    broken : bool
        Whether the store looked unreachable; later calls are skipped.
    """

    def __init__(self, name: str = "automl-mlflow") -> None:
        self.errors: list[str] = []
        self.broken = False
        self.exit_timeout = 0.0
        self._running: str | None = None
        self._queue: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self._thread.start()

    def submit(self, description: str, call: Callable[[], None], *, always: bool = False) -> None:
        """Queue ``call``; ``description`` says what it logs. With ``always`` it runs even once the
        store is unreachable (it writes no MLflow call of its own)."""
        self._queue.put((description, call, always))

    def _loop(self) -> None:
        while True:
            item = self._queue.get()
            try:
                if item is None:
                    return
                self._running = None if item[2] else item[0]
                self._run(*item)
            finally:
                self._running = None
                self._queue.task_done()

    def _run(self, description: str, call: Callable[[], None], always: bool = False) -> None:
        if self.broken and not always:
            self.errors.append(f"{description} not logged: the tracking store was unreachable")
            return
        try:
            with quiet_mlflow():
                call()
        except Exception as exc:  # logging must never fail a job
            message = redact(f"{description} not logged: {type(exc).__name__}: {str(exc)[:300]}")
            logger.warning("MLflow tracking: %s", message)
            self.errors.append(message)
            if unreachable(exc):
                self.broken = True

    def drain(self, timeout: float) -> bool:
        """Wait until every queued call ran, at most ``timeout`` seconds; True when all did."""
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.01)
        return True

    def pending(self) -> list[str]:
        """Descriptions of the logging not done yet: the call running now, then those queued
        (calls queued with ``always`` are bookkeeping, not logging, and are left out)."""
        with self._queue.mutex:
            queued = [item[0] for item in list(self._queue.queue) if item is not None and not item[2]]
        running = self._running
        return ([running] if running else []) + queued

    def close(self, exit_timeout: float = 0.0) -> None:
        """Stop the thread once the queued calls ran; the exit of the process waits for them at most
        ``exit_timeout`` seconds."""
        self.exit_timeout = exit_timeout
        if self._queue.unfinished_tasks:
            _wait_at_exit(self)
        self._queue.put(None)
