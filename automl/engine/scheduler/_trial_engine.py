"""What the scheduler asks of an engine, and the records engines share."""
from __future__ import annotations

import signal
import time
from dataclasses import dataclass
from typing import Any, Protocol

from automl.core import CANCELED, FAILED, TrialData, TrialResult, TrialSpec


class TrialEngine(Protocol):
    """Runs trials somewhere (local processes, a Dask cluster) under deadlines."""

    slots: int

    def open(self, data: TrialData) -> None:
        """Share the trial data with the workers, once."""

    def submit(self, spec: TrialSpec, deadline: float, reason: str) -> None:
        """Start ``spec``; past ``deadline`` (monotonic) it is stopped as Canceled with ``reason``."""

    def wait(self, timeout: float) -> list[TrialResult]:
        """Trials that ended within ``timeout`` seconds: completed, failed or canceled."""

    def cancel_all(self, reason: str) -> list[TrialResult]:
        """Stop every running trial; they are returned as Canceled."""

    @property
    def n_running(self) -> int:
        """Trials started and not yet returned."""

    def close(self) -> None:
        """Stop everything and release the shared data."""


@dataclass
class RunningTrial:
    """A trial an engine started."""

    spec: TrialSpec
    started_at: float          # wall clock, for the record
    started_monotonic: float
    deadline: float            # monotonic
    reason: str
    handle: Any = None


def ended_result(trial: RunningTrial, status: str, error: str) -> TrialResult:
    """The record of a trial that ended without a result of its own."""
    spec = trial.spec
    return TrialResult(spec.iteration, spec.name, spec.algorithm.name, spec.algorithm.preprocessor,
                       dict(spec.params), status, error=error, started_at=trial.started_at,
                       duration_seconds=time.monotonic() - trial.started_monotonic)


def canceled(trial: RunningTrial, reason: str | None = None) -> TrialResult:
    """A Canceled record for ``trial``."""
    return ended_result(trial, CANCELED, reason or trial.reason)


def died(trial: RunningTrial, exitcode: int | None) -> TrialResult:
    """A Failed record for a trial whose process ended without reporting."""
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name if -exitcode in signal.valid_signals() else str(-exitcode)
        hint = " (out of memory?)" if -exitcode == signal.SIGKILL else ""
        error = f"trial process was killed by {name}{hint} before reporting a result"
    else:
        error = f"trial process exited with code {exitcode} before reporting a result"
    return ended_result(trial, FAILED, error)
