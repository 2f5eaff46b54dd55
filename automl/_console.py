"""Progress on stderr, in the shape of Azure's ``show_output``."""
from __future__ import annotations

import math
import sys
from datetime import timedelta
from typing import TextIO

import guardrails
from automl.trials import TrialResult

_QUIET = {"warning", "error", "critical"}


class ConsoleProgress:
    """Prints the guardrails, one line per trial and the outcome.

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

    @property
    def enabled(self) -> bool:
        """Whether anything is printed."""
        return self.verbosity not in _QUIET

    def _print(self, text: str = "") -> None:
        if self.enabled:
            print(text, file=self.stream or sys.stderr, flush=True)

    def start(self, name: str, task: str, metric: str, shape: tuple[int, int], validation: str) -> None:
        """The job's header."""
        self._print(f"Job {name}: {task}, primary metric {metric}, "
                    f"training data {shape[0]:,} rows x {shape[1]} columns.")
        self._print(f"Validation: {validation}")

    def guardrails(self, results: list) -> None:
        """Azure's data guardrail blocks."""
        self._print()
        self._print("DATA GUARDRAILS:")
        self._print(guardrails.format_results(results))

    def header(self, metric: str) -> None:
        """The trial table's header."""
        self._print()
        self._print(f"{'ITER':>5}  {'PIPELINE':<44} {'DURATION':>9} {'METRIC':>9} {'BEST':>9}")

    def trial(self, result: TrialResult, better: bool) -> None:
        """One line for a finished trial."""
        if better or math.isnan(self._best):
            self._best = result.score if result.succeeded else self._best
        duration = str(timedelta(seconds=int(result.duration_seconds)))
        score = f"{result.score:9.4f}" if result.succeeded else f"{result.status:>9}"
        self._print(f"{result.iteration:>5}  {result.display_name:<44} {duration:>9} {score} "
                    f"{self._best:9.4f}")
        if result.error:
            self._print(f"       {result.error[:200]}")

    def finish(self, reason: str, best: TrialResult | None, metric: str, test: dict | None) -> None:
        """Why the search stopped and what won."""
        self._print()
        self._print(f"Stopped: {reason}.")
        if best is None:
            self._print("No trial produced a model.")
            return
        self._print(f"Best model: {best.name} {best.display_name}, {metric} {best.score:.4f} (validation).")
        if test and metric in test:
            self._print(f"Test data: {metric} {test[metric]:.4f}.")
