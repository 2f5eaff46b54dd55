"""A job's progress written to its state folder as the search runs, and a search continued from it.

:class:`SearchCheckpoint` is told when trials start and end (and ticks while they run) and keeps
the state folder current: each finished trial, then the search's position. :func:`restore_search`
does the reverse in a later session: the proposer, the stop rules and the trials to start again.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Sequence

from automl.algorithms import Algorithm
from automl.core import CANCELED, TrialResult, TrialSpec, plain
from automl.engine._budget import JobClock
from automl.engine.scheduler import StopRules
from automl.engine.search import AdaptiveProposer
from automl.engine.state import JobStateFolder, SavedJob, SearchPosition

__all__ = ["EXTEND", "RESUME", "SUBMIT", "JobSession", "SearchCheckpoint", "restore_search"]

#: While trials run, the time spent is written this often (seconds), so a killed job loses little of it.
TICK_SECONDS = 5.0


class SearchCheckpoint:
    """Keeps ``folder`` current while the search runs (a scheduler's start, result and tick hooks)."""

    def __init__(self, folder: JobStateFolder, proposer: AdaptiveProposer, stop: StopRules,
                 clock: JobClock) -> None:
        self.folder = folder
        self.proposer = proposer
        self.stop = stop
        self.clock = clock
        self._running: dict[int, dict] = {}
        self._written = time.monotonic()

    def position(self) -> SearchPosition:
        """The search as it is now."""
        return SearchPosition(consumed=self.proposer.consumed, variants=self.proposer.variant_iterations,
                              search_ended=self.stop.search_ended, running=list(self._running.values()),
                              spent_seconds=self.clock.elapsed)

    def trial_started(self, spec: TrialSpec) -> None:
        self._running[spec.iteration] = {"iteration": spec.iteration, "algorithm": spec.algorithm.name,
                                         "params": plain(spec.params)}
        self._write()

    def trial_finished(self, result: TrialResult) -> None:
        if result.status == CANCELED and self.stop.canceled:  # stopped by the job's cancel: runs again on resume
            self._write()
            return
        self._running.pop(result.iteration, None)
        self.folder.save_trial(result, self.position())
        self._written = time.monotonic()

    def tick(self) -> None:
        if time.monotonic() - self._written >= TICK_SECONDS:
            self._write()

    def _write(self) -> None:
        self.folder.save_position(self.position())
        self._written = time.monotonic()


def restore_search(saved: SavedJob, proposer: AdaptiveProposer, stop: StopRules,
                   algorithms: Sequence[Algorithm], name_of: Callable[[int], str], *, extend: bool) -> list[TrialSpec]:
    """Bring ``proposer`` and ``stop`` to where ``saved``'s search was; return the trials to start again.

    The finished trials are told to the proposer's studies and counted by the stop rules; the
    portfolio resumes after the entries already proposed. Trials that were running are started
    again with their iteration and configuration (unless their algorithm is no longer allowed).
    """
    position = saved.position
    variants = [i for i in position.variants if i in {t.iteration for t in saved.trials}]
    proposer.restore(saved.trials, position.consumed, position.variants)
    stop.restore(saved.trials, search_ended=position.search_ended, n_variants=len(variants),
                 fresh_patience=extend)
    allowed = {a.name: a for a in algorithms}
    return [TrialSpec(int(r["iteration"]), name_of(int(r["iteration"])), allowed[r["algorithm"]], dict(r["params"]))
            for r in saved.pending if r["algorithm"] in allowed]


#: How a session of a job began: a new job, a resumed one, an extended one.
SUBMIT, RESUME, EXTEND = "submit", "resume", "extend"


@dataclass
class JobSession:
    """One session of a job: how it began, its state folder and clock, and the earlier sessions' state."""

    kind: str
    folder: JobStateFolder
    clock: JobClock
    saved: SavedJob | None = None

    @property
    def restored_trials(self) -> list[TrialResult]:
        """The finished trials of earlier sessions (none for a new job)."""
        return list(self.saved.trials) if self.saved is not None else []

    @property
    def first_iteration(self) -> int:
        """The iteration this session's first new trial gets."""
        return self.saved.next_iteration if self.saved is not None else 0
