"""Progress on stderr, in the shape of Azure's ``show_output``."""
from __future__ import annotations

import math
import sys
from datetime import timedelta
from typing import TextIO

import guardrails
from automl import metrics
from automl.trials import TrialResult

_QUIET = {"warning", "error", "critical"}


class ConsoleProgress:
    """Prints the guardrails, one line per trial and the outcome (a job observer).

    Parameters
    ----------
    verbosity : str
        Azure's ``log_verbosity``; ``warning`` and above print nothing.
    stream : text stream
        Where to write (stderr by default).
    """

    def __init__(self, verbosity: str = "info", stream: TextIO | None = None):
        self.verbosity = (verbosity or "info").lower()
        self.stream = stream
        self._best = math.nan
        self._metric, self._task = "", ""

    @property
    def enabled(self) -> bool:
        """Whether anything is printed."""
        return self.verbosity not in _QUIET

    def _print(self, text: str = "") -> None:
        if self.enabled:
            print(text, file=self.stream or sys.stderr, flush=True)

    def job_started(self, job, prepared) -> None:
        """The job's header, the data guardrails and the trial table's header."""
        self._print(f"Job {job.name}: {job.task}, primary metric {job.primary_metric}, training data "
                    f"{prepared.X.shape[0]:,} rows x {prepared.X.shape[1]} columns.")
        self._print(f"Validation: {prepared.validation.describe()}")
        self._print()
        self._print("DATA GUARDRAILS:")
        self._print(guardrails.format_results(prepared.guardrails))
        self._print()
        self._print(f"{'ITER':>5}  {'PIPELINE':<44} {'DURATION':>9} {'METRIC':>9} {'BEST':>9}")
        self._metric, self._task = job.primary_metric, job.task

    def trial_finished(self, result: TrialResult) -> None:
        """One line for a finished trial."""
        if result.succeeded and (math.isnan(self._best) or
                                 metrics.is_better(self._metric, self._task, result.score, self._best)):
            self._best = result.score
        duration = str(timedelta(seconds=int(result.duration_seconds)))
        score = f"{result.score:9.4f}" if result.succeeded else f"{result.status:>9}"
        self._print(f"{result.iteration:>5}  {result.display_name:<44} {duration:>9} {score} "
                    f"{self._best:9.4f}")
        if result.error:
            self._print(f"       {result.error[:200]}")

    def job_finished(self, job, result) -> None:
        """Why the search stopped and what won."""
        self._print()
        self._print(f"Stopped: {result.stop_reason}.")
        best, metric = result.best_trial, result.primary_metric
        if best is None:
            self._print("No trial produced a model.")
            return
        self._print(f"Best model: {best.name} {best.display_name}, {metric} {best.score:.4f} (validation).")
        if result.test_metrics and metric in result.test_metrics:
            self._print(f"Test data: {metric} {result.test_metrics[metric]:.4f}.")
