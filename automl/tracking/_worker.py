"""A background thread that runs logging calls in order, so trials never wait for MLflow.

A call that fails is recorded with what it was meant to log. After a failure
that says the store is unreachable, the remaining calls are not attempted (each
would wait through the client's retries): they are recorded as not logged.
"""
from __future__ import annotations

import logging
import queue
import threading
import time
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
        self._queue: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self._thread.start()

    def submit(self, description: str, call: Callable[[], None]) -> None:
        """Queue ``call``; ``description`` says what it logs."""
        self._queue.put((description, call))

    def _loop(self) -> None:
        while True:
            item = self._queue.get()
            try:
                if item is None:
                    return
                self._run(*item)
            finally:
                self._queue.task_done()

    def _run(self, description: str, call: Callable[[], None]) -> None:
        if self.broken:
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
        """Descriptions of the calls not run yet."""
        with self._queue.mutex:
            return [item[0] for item in list(self._queue.queue) if item is not None]

    def close(self) -> None:
        """Stop the thread once the queued calls ran."""
        self._queue.put(None)
