"""The job's memory limit, kept trial by trial: which trial starts now, which waits, which is skipped.

AutoGluon's ``memory_limit`` semantics: a soft limit on what the job uses. Before a trial
starts, its memory is estimated (:meth:`automl.tasks.Task.trial_memory_bytes`). A trial that
would not fit even alone, beside what the job already holds, is skipped and recorded
Canceled with the reason; one that fits alone but not beside the trials running now waits
for them to end.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

import psutil

from automl.core import CANCELED, TrialResult, TrialSpec

__all__ = ["RUN", "SKIP", "WAIT", "MemoryBudget", "memory_growth"]

RUN, WAIT, SKIP = "run", "wait", "skip"


def _gib(n: int) -> str:
    return f"{n / 2**30:.2f} GiB"


def memory_growth() -> Callable[[], int]:
    """A function that returns how much this process's resident memory grew since this call:
    what the job holds beside its trials (its data, its folds)."""
    process = psutil.Process()
    start = process.memory_info().rss
    return lambda: max(0, process.memory_info().rss - start)


@dataclass
class MemoryBudget:
    """Admits trials within ``limit_bytes``.

    Parameters
    ----------
    limit_bytes : int
        The job's memory limit (``LimitSettings.memory_limit_bytes``).
    estimate : callable
        ``estimate(spec)``: bytes a trial of ``spec`` should hold.
    held : callable
        ``held()``: bytes the job holds now outside its trials.
    """

    limit_bytes: int
    estimate: Callable[[TrialSpec], int]
    held: Callable[[], int] = field(default=lambda: 0)
    skipped: list[dict[str, str]] = field(default_factory=list)
    _running: dict[int, int] = field(default_factory=dict)

    def admit(self, spec: TrialSpec) -> str:
        """:data:`RUN`, :data:`WAIT` (fits alone, not beside the running trials) or :data:`SKIP`."""
        need, held = self.estimate(spec), self.held()
        if need + held > self.limit_bytes:
            return SKIP
        if self._running and need + held + sum(self._running.values()) > self.limit_bytes:
            return WAIT
        self._running[spec.iteration] = need
        return RUN

    def ended(self, iteration: int) -> None:
        """A trial ended: its memory is free again."""
        self._running.pop(iteration, None)

    def skip(self, spec: TrialSpec) -> TrialResult:
        """The Canceled record of a trial skipped for memory, with the reason (also kept in ``skipped``)."""
        need, held = self.estimate(spec), self.held()
        reason = (f"skipped: the trial needs about {_gib(need)}, and with the {_gib(held)} the job holds that "
                  f"exceeds memory_limit ({_gib(self.limit_bytes)})")
        self.skipped.append({"Trial": spec.name, "Algorithm": spec.display_name, "Estimated memory": _gib(need),
                             "Held by the job": _gib(held), "Memory limit": _gib(self.limit_bytes)})
        return TrialResult(spec.iteration, spec.name, spec.algorithm.name, spec.algorithm.preprocessor,
                           dict(spec.params), CANCELED, error=reason, started_at=time.time())
