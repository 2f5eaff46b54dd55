"""Who hears about a job's progress: the console, and (later) trackers.

An observer is any object with the three methods of :class:`JobObserver`.
An observer that raises never fails the job: the error is reported once and the
observer is dropped.
"""
from __future__ import annotations

import logging
from typing import Any, Protocol

from automl._console import ConsoleProgress
from automl.trials import TrialResult

logger = logging.getLogger("automl")


class JobObserver(Protocol):
    """Hooks called by the job runner."""

    def job_started(self, job: Any, prepared: Any) -> None:
        """After the setup step: data loaded, featurized, guardrails computed."""

    def trial_finished(self, result: TrialResult) -> None:
        """After each trial, ensembles included."""

    def job_finished(self, job: Any, result: Any) -> None:
        """After the best model was refit and scored on the test data."""


def default_observers(job: Any) -> list[JobObserver]:
    """The observers every job gets."""
    return [ConsoleProgress(job.log_verbosity)]


class ObserverGroup:
    """Calls every observer, isolating their failures from the job."""

    def __init__(self, observers: list[JobObserver]):
        self.observers = list(observers)
        self.errors: list[str] = []

    def _call(self, method: str, *args: Any) -> None:
        for observer in list(self.observers):
            try:
                getattr(observer, method)(*args)
            except Exception as exc:  # an observer must never take the job down
                message = f"{type(observer).__name__}.{method} failed: {type(exc).__name__}: {exc}"
                logger.warning("%s; it is not called again for this job.", message)
                self.errors.append(message)
                self.observers.remove(observer)

    def job_started(self, job: Any, prepared: Any) -> None:
        self._call("job_started", job, prepared)

    def trial_finished(self, result: TrialResult) -> None:
        self._call("trial_finished", result)

    def job_finished(self, job: Any, result: Any) -> None:
        self._call("job_finished", job, result)
