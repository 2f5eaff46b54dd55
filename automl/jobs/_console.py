"""Progress on stderr, in the shape of Azure's ``show_output``, with a live status line."""
from __future__ import annotations

import math
from datetime import timedelta
from typing import TYPE_CHECKING, TextIO

from rich.console import Console
from rich.live import Live
from rich.text import Text

import guardrails
from automl.core import TrialResult
from automl.engine import AutoMLResult, JobObserver
from automl.engine.scheduler import SchedulerStatus
from automl.metrics import Metric, is_better
from automl.tasks import PreparedData, get_task

if TYPE_CHECKING:
    from automl.jobs._job import AutoMLJob

_QUIET = {"warning", "error", "critical"}


def _clock(seconds: float) -> str:
    return str(timedelta(seconds=int(max(0.0, seconds))))


class ConsoleProgress(JobObserver):
    """Prints the guardrails, one line per trial and the outcome (a job observer).

    On a terminal a status line under the table shows trials done / running /
    failed, the best score and algorithm, elapsed and remaining time.

    Parameters
    ----------
    verbosity : str
        Azure's ``log_verbosity``; ``warning`` and above print nothing.
    stream : text stream, optional
        Where to write (stderr by default).
    """

    def __init__(self, verbosity: str = "info", stream: TextIO | None = None):
        self.verbosity = (verbosity or "info").lower()
        self.stream = stream
        self._best = math.nan
        self._metric: Metric | None = None
        self._console: Console | None = None
        self._live: Live | None = None

    def session_started(self, job: AutoMLJob, kind: str) -> None:
        """A resumed or extended job says so before its setup."""
        if self.enabled and kind != "submit":
            verb = "Resuming" if kind == "resume" else "Extending"
            self._out().print(f"{verb} job {job.name} from {job.output_folder}: its finished trials are kept.")

    @property
    def enabled(self) -> bool:
        """Whether anything is printed."""
        return self.verbosity not in _QUIET

    def _out(self) -> Console:
        if self._console is None:
            self._console = Console(file=self.stream, stderr=self.stream is None, highlight=False,
                                    soft_wrap=True)
        return self._console

    def _print(self, text: str = "") -> None:
        if self.enabled:
            self._out().print(Text(text))

    def job_started(self, job: AutoMLJob, prepared: PreparedData) -> None:
        """The job's header, the data guardrails and the trial table's header."""
        self._metric = get_task(job.task).metric(job.primary_metric)
        self._print(f"Job {job.name}: {job.task}, primary metric {job.primary_metric}, training data "
                    f"{prepared.data_shape[0]:,} rows x {prepared.data_shape[1]} columns.")
        self._print(f"Validation: {prepared.validation.describe()}")
        self._print()
        self._print(guardrails.format_results(prepared.guardrails))  # under its own "DATA GUARDRAILS:"
        self._print()
        self._print(f"{'ITER':>5}  {'PIPELINE':<44} {'DURATION':>9} {'METRIC':>9} {'BEST':>9}")
        if self.enabled and self._out().is_terminal:
            self._live = Live(Text(""), console=self._out(), auto_refresh=False, transient=True)
            self._live.start()

    def trial_finished(self, result: TrialResult) -> None:
        """One line for a finished trial."""
        if result.succeeded and (math.isnan(self._best) or is_better(self._metric, result.score, self._best)):
            self._best = result.score
        score = f"{result.score:9.4f}" if result.succeeded else f"{result.status:>9}"
        self._print(f"{result.iteration:>5}  {result.display_name:<44} "
                    f"{_clock(result.duration_seconds):>9} {score} {self._best:9.4f}")
        if result.error:
            self._print(f"       {result.error[:200]}")

    def progress(self, status: SchedulerStatus) -> None:
        """Refresh the live status line."""
        if self._live is None:
            return
        best = "-" if math.isnan(status.best) else f"{status.best:.4f} ({status.best_algorithm})"
        # two lines: one would run past an 80-column terminal, which crops it
        self._live.update(Text(
            f"trials: {status.done} done, {status.running} running, {status.failed} failed | "
            f"{_clock(status.elapsed_seconds)} elapsed, {_clock(status.remaining_seconds)} left\n"
            f"best {self._metric.name}: {best}", style="bold"), refresh=True)

    def job_finished(self, job: AutoMLJob, result: AutoMLResult) -> None:
        """Why the search stopped and what won."""
        if self._live is not None:
            self._live.stop()
            self._live = None
        self._print()
        self._print(f"Stopped: {result.stop_reason}.")
        best, metric = result.best_trial, result.primary_metric
        if best is None:
            self._print("No trial produced a model.")
            return
        self._print(f"Best model: {best.name} {best.display_name}, {metric} {best.score:.4f} (validation).")
        if result.test_metrics and metric in result.test_metrics:
            self._print(f"Test data: {metric} {result.test_metrics[metric]:.4f}.")
