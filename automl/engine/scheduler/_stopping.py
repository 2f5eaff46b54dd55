"""When a job stops proposing trials: limits, exit score and early termination."""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

from automl.metrics import Metric, is_better
from automl.settings import LimitSettings
from automl.core import TrialResult

#: Azure: no early stop during the first 20 iterations ("landmarks") ...
EARLY_TERMINATION_LANDMARKS = 20
#: ... then stop when the best score has not improved for 10 iterations.
EARLY_TERMINATION_PATIENCE = 10
#: Trials still running are stopped when this share of the reserved end-of-job time is left.
IN_FLIGHT_SHARE = 0.75


@dataclass
class StopRules:
    """Tracks a job's progress against its limits.

    ``reason`` is None while new trials may start, else a sentence saying why
    the search stopped. ``max_trials`` counts started trials, so it is exact
    with trials running in parallel; ``cancel_running`` tells whether trials
    still running should be stopped too (time is up, or the exit score was reached).
    """

    limits: LimitSettings
    metric: Metric
    started_at: float = field(default_factory=time.monotonic)
    n_started: int = 0
    n_done: int = 0
    best: float = math.nan
    cancel_running: bool = False
    canceled: bool = False
    reserve_seconds: float = 0.0  # time kept at the end of the budget for what follows the search
    ensemble_trials: int = 0  # trials of max_trials kept for the ensembles (the limits hold the rest)
    last_improvement: int = -1
    reason: str | None = None
    #: Trials that may follow early termination while time is left: variants of the best
    #: configurations (0: early termination ends the job's trials, as in Azure).
    variant_trials: int = 0
    search_ended: str | None = None  # why the search ended, while variants are trained
    n_variants: int = 0

    @property
    def deadline(self) -> float:
        """Monotonic time at which the job's time budget ends."""
        return self.started_at + self.limits.timeout_minutes * 60.0

    def remaining_seconds(self) -> float:
        """Seconds left of ``timeout_minutes``."""
        return self.deadline - time.monotonic()

    def record_start(self) -> None:
        """Count a trial that started."""
        self.n_started += 1
        self.n_variants += self.search_ended is not None

    def record(self, result: TrialResult) -> None:
        """Count a finished trial and update the best score."""
        self.n_done += 1
        if result.succeeded and (math.isnan(self.best) or
                                 is_better(self.metric, result.score, self.best)):
            self.best = result.score
            self.last_improvement = self.n_done

    def restore(self, trials: list[TrialResult], *, search_ended: str | None, n_variants: int,
                fresh_patience: bool) -> None:
        """Count the ``trials`` an earlier session finished, as if they had run in this one.

        With ``fresh_patience`` (a job extended with more budget) early termination counts its
        patience from here, and the search goes on past where it had ended; otherwise the early end
        and the ``n_variants`` variants trained after it carry over.
        """
        for result in sorted(trials, key=lambda t: t.iteration):
            self.record_start()
            self.record(result)
        if fresh_patience:
            self.last_improvement = self.n_done
        else:
            self.search_ended, self.n_variants = search_ended, n_variants

    def cancel(self, reason: str) -> None:
        """The user canceled the job: this reason wins over any other, running trials stop."""
        if not self.canceled:
            self.reason, self.canceled, self.cancel_running = reason, True, True

    def stop(self, reason: str, *, cancel_running: bool = True) -> None:
        """Stop the search from outside (cancellation); the first reason wins."""
        if self.reason is None:
            self.reason = self._after_search(reason)
        self.cancel_running = self.cancel_running or cancel_running

    def should_stop(self) -> bool:
        """Whether no further trial may start; sets ``reason`` and ``cancel_running``."""
        remaining = self.remaining_seconds()
        if remaining <= 0:
            self.stop(f"timeout_minutes ({self.limits.timeout_minutes:g}) reached")
        elif remaining <= self.reserve_seconds:
            # No new trial; running ones may use a quarter of the time kept for the end of the job.
            self.stop(f"timeout_minutes ({self.limits.timeout_minutes:g}) nearly reached: the rest is "
                      "kept for the ensembles and the final refit",
                      cancel_running=remaining <= self.reserve_seconds * IN_FLIGHT_SHARE)
        if self.reason is None:
            self.reason = self._after_search(self._check())
        return self.reason is not None

    def _after_search(self, reason: str | None) -> str | None:
        """``reason``, after why the search ended and what the variants that followed it were."""
        if reason is None or self.search_ended is None or reason.startswith(self.search_ended):
            return reason
        return (f"{self.search_ended}; then {self.n_variants} seed variant(s) of the best configurations, "
                f"until {reason}")

    def _check(self) -> str | None:
        limits = self.limits
        if limits.exit_score is not None and not math.isnan(self.best):
            target = limits.exit_score
            if self.best == target or is_better(self.metric, self.best, target):
                self.cancel_running = True
                return f"exit_score ({target:g}) reached: best {self.metric.name} {self.best:.4f}"
        if max(self.n_started, self.n_done) >= limits.max_trials:
            return f"max_trials ({limits.max_trials + self.ensemble_trials}) reached"
        if self.search_ended is not None:
            if self.n_variants >= self.variant_trials:
                return f"{self.search_ended}; then {self.n_variants} seed variants of the best configurations"
            return None
        # The look-back window only starts after the landmarks: the earliest stop is after 30 trials.
        window_start = max(self.last_improvement, EARLY_TERMINATION_LANDMARKS)
        if limits.enable_early_termination and self.n_done - window_start >= EARLY_TERMINATION_PATIENCE:
            ended = (f"early termination: no improvement of {self.metric.name} in the last "
                     f"{EARLY_TERMINATION_PATIENCE} trials")
            if self.best == self.metric.perfect:
                return f"{ended}, and none can come: the best validation score is perfect ({self.best:g})"
            if self.variant_trials <= 0:
                return ended
            self.search_ended = ended  # the time left goes to variants of the best configurations
        return None
