"""The observers every job gets: logging, the console, and MLflow tracking."""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from automl.core import TrialResult
from automl.engine import AutoMLResult, JobObserver
from automl.jobs._console import ConsoleProgress
from automl.tracking import MlflowTracker, tracking_enabled

if TYPE_CHECKING:
    from automl.jobs._job import AutoMLJob
    from automl.tasks import PreparedData

__all__ = ["LoggingObserver", "default_observers"]

logger = logging.getLogger("automl")


class LoggingObserver(JobObserver):
    """Reports trials through Python ``logging`` (logger ``"automl"``), for library users."""

    def job_started(self, job: AutoMLJob, prepared: PreparedData) -> None:
        logger.info("job %s started: %s, %d rows, %s", job.name, job.task, prepared.data_shape[0],
                    prepared.validation.describe())

    def trial_finished(self, result: TrialResult) -> None:
        logger.info("trial %s %s: %s %s%s", result.name, result.display_name, result.status,
                    f"{result.score:.4f}" if result.succeeded else "",
                    f" ({result.error})" if result.error else "")

    def job_finished(self, job: AutoMLJob, result: AutoMLResult) -> None:
        logger.info("job %s %s: %s", job.name, result.status, result.stop_reason)


def default_observers(job: AutoMLJob, show_progress: bool = True) -> list[JobObserver]:
    """The observers every job gets: logging, the console unless ``show_progress=False``, and
    MLflow tracking (:class:`automl.tracking.MlflowTracker`) unless it is turned off."""
    observers: list[JobObserver] = [LoggingObserver()]
    if show_progress:
        observers.append(ConsoleProgress(job.log_verbosity))
    if tracking_enabled(job.tracking_uri):
        observers.append(MlflowTracker(job.tracking_uri))
    return observers
