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

    # Optional: trial_started(spec) when a trial starts, progress(status) with a
    # SchedulerStatus snapshot about twice a second while trials run, and
    # model_ready(job, result) once the best model is refit and scored, before the
    # explanations (a tracker starts logging the model while they run).

    def job_finished(self, job: Any, result: Any) -> None:
        """After the best model was refit and scored on the test data."""


class LoggingObserver:
    """Reports trials through Python ``logging`` (logger ``"automl"``), for library users."""

    def job_started(self, job: Any, prepared: Any) -> None:
        logger.info("job %s started: %s, %d rows, %s", job.name, job.task, prepared.X.shape[0],
                    prepared.validation.describe())

    def trial_finished(self, result: TrialResult) -> None:
        logger.info("trial %s %s: %s %s%s", result.name, result.display_name, result.status,
                    f"{result.score:.4f}" if result.succeeded else "",
                    f" ({result.error})" if result.error else "")

    def job_finished(self, job: Any, result: Any) -> None:
        logger.info("job %s %s: %s", job.name, result.status, result.stop_reason)


def default_observers(job: Any, show_progress: bool = True) -> list[JobObserver]:
    """The observers every job gets: logging, the console unless ``show_progress=False``, and
    MLflow tracking (:class:`automl.tracking.MlflowTracker`)."""
    observers: list[JobObserver] = [LoggingObserver()]
    if show_progress:
        observers.append(ConsoleProgress(job.log_verbosity))
    from automl.tracking import MlflowTracker, tracking_enabled  # MLflow loads on its own thread

    if tracking_enabled(job):
        observers.append(MlflowTracker(getattr(job, "tracking_uri", None)))
    return observers


class ObserverGroup:
    """Calls every observer, isolating their failures from the job."""

    def __init__(self, observers: list[JobObserver]):
        self.observers = list(observers)
        self.errors: list[str] = []

    def _call(self, method: str, *args: Any) -> None:
        for observer in list(self.observers):
            hook = getattr(observer, method, None)
            if hook is None:
                continue
            try:
                hook(*args)
            except Exception as exc:  # an observer must never take the job down
                message = f"{type(observer).__name__}.{method} failed: {type(exc).__name__}: {exc}"
                logger.warning("%s; it is not called again for this job.", message)
                self.errors.append(message)
                self.observers.remove(observer)

    def job_started(self, job: Any, prepared: Any) -> None:
        self._call("job_started", job, prepared)

    def trial_started(self, spec: Any) -> None:
        self._call("trial_started", spec)

    def trial_finished(self, result: TrialResult) -> None:
        self._call("trial_finished", result)

    def progress(self, status: Any) -> None:
        self._call("progress", status)

    def model_ready(self, job: Any, result: Any) -> None:
        self._call("model_ready", job, result)

    def job_finished(self, job: Any, result: Any) -> None:
        self._call("job_finished", job, result)
