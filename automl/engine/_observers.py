"""Who hears about a job's progress: the observers the engine calls, and their isolation.

An observer is any object with some of the hooks of :class:`JobObserver` (the console,
logging, the MLflow tracker and ``JobRun`` are the ones jobs get,
:func:`automl.jobs.default_observers`). An observer that raises never fails the job: the
error is kept and the observer is dropped.
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Protocol, Sequence

from automl.core import TrialResult, TrialSpec

if TYPE_CHECKING:
    from automl.engine._automl_result import AutoMLResult
    from automl.engine.scheduler import SchedulerStatus
    from automl.jobs import AutoMLJob
    from automl.tasks import PreparedData

__all__ = ["JobObserver", "ObserverGroup"]

logger = logging.getLogger("automl")


class JobObserver(Protocol):
    """Hooks called by the job engine; an observer may define any of them."""

    def session_started(self, job: AutoMLJob, kind: str) -> None:
        """Before the setup step: how this session of the job began ("submit", "resume", "extend")."""

    def job_started(self, job: AutoMLJob, prepared: PreparedData) -> None:
        """After the setup step: data loaded, featurized, guardrails computed."""

    def trial_started(self, spec: TrialSpec) -> None:
        """When a trial starts."""

    def trial_finished(self, result: TrialResult) -> None:
        """After each trial, ensembles included."""

    def progress(self, status: SchedulerStatus) -> None:
        """About twice a second while trials run."""

    def model_ready(self, job: AutoMLJob, result: AutoMLResult) -> None:
        """Once the best model is refit and scored, before the explanations (a tracker starts
        logging the model while they run)."""

    def finish_by(self, deadline: float) -> None:
        """Before ``job_finished``: the job's limit (``time.monotonic()``), which the end of the
        job should keep; what an observer cannot finish by then it may go on with in the background."""

    def job_finished(self, job: AutoMLJob, result: AutoMLResult) -> None:
        """At the end: the result is complete but for what observers record on it."""


class ObserverGroup:
    """Calls every observer, isolating their failures from the job."""

    def __init__(self, observers: Sequence[Any]):
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

    def session_started(self, job: AutoMLJob, kind: str) -> None:
        self._call("session_started", job, kind)

    def job_started(self, job: AutoMLJob, prepared: PreparedData) -> None:
        self._call("job_started", job, prepared)

    def trial_started(self, spec: TrialSpec) -> None:
        self._call("trial_started", spec)

    def trial_finished(self, result: TrialResult) -> None:
        self._call("trial_finished", result)

    def progress(self, status: SchedulerStatus) -> None:
        self._call("progress", status)

    def model_ready(self, job: AutoMLJob, result: AutoMLResult) -> None:
        self._call("model_ready", job, result)

    def finish_by(self, deadline: float) -> None:
        self._call("finish_by", deadline)

    def job_finished(self, job: AutoMLJob, result: AutoMLResult) -> None:
        self._call("job_finished", job, result)
