"""The trial scheduler: proposes trials, runs them on an engine, keeps the limits."""
from __future__ import annotations

import dataclasses
import math
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Protocol, Sequence

from automl.core import FAILED, TrialData, TrialResult, TrialSpec
from automl.engine.scheduler._memory_budget import SKIP, WAIT, MemoryBudget
from automl.engine.scheduler._stopping import StopRules
from automl.engine.scheduler._trial_engine import TrialEngine

#: How often the loop wakes up to refresh progress and check cancellation.
POLL_SECONDS = 0.5


class TrialProposer(Protocol):
    """What the scheduler asks of a search strategy (:class:`automl.engine.search.AdaptiveProposer`)."""

    def propose(self, iteration: int, name: str) -> TrialSpec | None:
        """The next trial, or None when there is nothing left to try."""

    def propose_variant(self, iteration: int, name: str) -> TrialSpec | None:
        """After the search ended early: a variant of a good configuration, or None for none."""

    def observe(self, result: TrialResult) -> None:
        """Learn from a finished trial."""


@dataclass
class SchedulerStatus:
    """A snapshot for progress displays."""

    done: int
    running: int
    failed: int
    best: float
    best_algorithm: str | None
    elapsed_seconds: float
    remaining_seconds: float


class TrialScheduler:
    """Runs proposed trials on ``engine`` until the stop rules end the search.

    Parameters
    ----------
    engine : TrialEngine
        Where trials run.
    trial_timeout_seconds : float
        Per-trial limit; a trial past it is stopped and recorded Canceled.
    name_of : callable
        Trial name of an iteration (``<job>_<n>``).
    cancel_event : threading.Event, optional
        Set from another thread to cancel the job.
    on_start, on_result, on_tick : callables, optional
        Observer hooks: a trial started; a trial ended; a status snapshot.
    memory : MemoryBudget, optional
        The job's memory limit: a trial that would not fit waits for running trials to end,
        or is skipped (recorded Canceled with the reason) when it would not fit alone.
    allowance_seconds : float, optional
        A trial's time allowance (``TrialSpec.max_seconds``; cut to the time left of the search):
        learners that grow tree by tree fit as many trees as it holds. Once a trial has been
        scored, the others may be stopped when they would take far longer
        (``TrialSpec.stop_when_slow``).
    first_iteration : int
        The iteration of the first trial proposed (a resumed job continues its numbering).
    pending : sequence of TrialSpec
        Trials to start before any proposed one: those an earlier session of the job was running
        when it stopped. The proposer has counted them already.
    """

    def __init__(self, engine: TrialEngine, trial_timeout_seconds: float,
                 name_of: Callable[[int], str], cancel_event: threading.Event | None = None,
                 on_start: Callable[[Any], None] | None = None,
                 on_result: Callable[[TrialResult], None] | None = None,
                 on_tick: Callable[[SchedulerStatus], None] | None = None,
                 memory: MemoryBudget | None = None, allowance_seconds: float | None = None,
                 first_iteration: int = 0, pending: Sequence[TrialSpec] = ()):
        self.engine = engine
        self.trial_timeout_seconds = trial_timeout_seconds
        self.name_of = name_of
        self.cancel_event = cancel_event or threading.Event()
        self.on_start = on_start or (lambda spec: None)
        self.on_result = on_result or (lambda result: None)
        self.on_tick = on_tick or (lambda status: None)
        self.memory = memory
        self.allowance_seconds = allowance_seconds
        self._waiting: TrialSpec | None = None
        self._next_iteration = first_iteration
        self._pending = list(pending)

    def run(self, proposer: TrialProposer, data: TrialData, stop: StopRules) -> list[TrialResult]:
        """Train trials until ``stop`` says so; return every trial, in iteration order.

        The engine is opened here and left open: whoever made it closes it.
        """
        results: list[TrialResult] = []
        self.engine.open(data)
        try:
            self._loop(proposer, stop, results)
        except KeyboardInterrupt:
            stop.cancel("canceled by the user (KeyboardInterrupt)")
            self._finish(self.engine.cancel_all(stop.reason), proposer, stop, results)
        return sorted(results, key=lambda r: r.iteration)

    def _loop(self, proposer: TrialProposer, stop: StopRules, results: list[TrialResult]) -> None:
        exhausted = False
        while True:
            if self.cancel_event.is_set():
                stop.cancel("canceled by the user")
            if not exhausted and not stop.should_stop():
                exhausted = self._fill(proposer, stop, results)
            if stop.cancel_running and self.engine.n_running:
                reason = f"{stop.reason}; the trial was stopped while running"
                self._finish(self.engine.cancel_all(reason), proposer, stop, results)
            if self.engine.n_running == 0 and (exhausted or stop.should_stop()):
                if exhausted and stop.reason is None:
                    stop.stop(stop.search_ended or "every candidate configuration was tried", cancel_running=False)
                return
            self._finish(self.engine.wait(POLL_SECONDS), proposer, stop, results)
            self.on_tick(self._status(stop, results))

    def _fill(self, proposer: TrialProposer, stop: StopRules, results: list[TrialResult]) -> bool:
        """Start trials while slots (and memory) are free; True when the proposer has nothing left."""
        while self.engine.n_running < self.engine.slots and not stop.should_stop():
            spec, self._waiting = self._waiting or self._next(proposer, stop), None
            if spec is None:
                return True
            verdict = self.memory.admit(spec) if self.memory is not None else None
            if verdict == WAIT:
                self._waiting = spec
                return False
            if verdict == SKIP:
                stop.record_start()
                self.on_start(spec)
                self._finish([self.memory.skip(spec)], proposer, stop, results)
                continue
            now = time.monotonic()
            if now + self.trial_timeout_seconds < stop.deadline:
                deadline = now + self.trial_timeout_seconds
                reason = f"trial_timeout_minutes ({self.trial_timeout_seconds / 60:g}) reached"
            else:
                deadline = stop.deadline
                reason = f"timeout_minutes ({stop.limits.timeout_minutes:g}) reached while the trial ran"
            if self.allowance_seconds is not None:
                searching = stop.remaining_seconds() - stop.reserve_seconds
                spec = dataclasses.replace(spec, max_seconds=max(1.0, min(self.allowance_seconds, deadline - now,
                                                                          searching)),
                                           stop_when_slow=not math.isnan(stop.best))
            self.engine.submit(spec, deadline, reason)
            stop.record_start()
            self.on_start(spec)
        return False

    def _next(self, proposer: TrialProposer, stop: StopRules) -> TrialSpec | None:
        """A pending trial, else the proposer's next (numbered on from the last)."""
        if self._pending:
            return self._pending.pop(0)
        propose = proposer.propose_variant if stop.search_ended else proposer.propose
        spec = propose(self._next_iteration, self.name_of(self._next_iteration))
        if spec is not None:
            self._next_iteration += 1
        return spec

    def _finish(self, finished: list[TrialResult], proposer: TrialProposer, stop: StopRules,
                results: list[TrialResult]) -> None:
        for result in finished:
            if self.memory is not None:
                self.memory.ended(result.iteration)
            proposer.observe(result)
            stop.record(result)
            results.append(result)
            self.on_result(result)

    def _status(self, stop: StopRules, results: list[TrialResult]) -> SchedulerStatus:
        best = [r for r in results if r.succeeded and r.score == stop.best]
        return SchedulerStatus(
            done=len(results), running=self.engine.n_running,
            failed=sum(r.status == FAILED for r in results), best=stop.best,
            best_algorithm=best[0].display_name if best else None,
            elapsed_seconds=time.monotonic() - stop.started_at,
            remaining_seconds=max(0.0, stop.remaining_seconds()))
