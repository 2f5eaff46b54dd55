"""When a job stops proposing trials: limits, exit score and early termination."""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

from automl import metrics
from automl.settings import LimitSettings
from automl.trials._trial import TrialResult

#: Azure: no early stop during the first 20 iterations ("landmarks") ...
EARLY_TERMINATION_LANDMARKS = 20
#: ... then stop when the best score has not improved for 10 iterations.
EARLY_TERMINATION_PATIENCE = 10


@dataclass
class StopRules:
    """Tracks a job's progress against its limits.

    ``reason`` is None while the job may go on, else a sentence saying why it stopped.
    """

    limits: LimitSettings
    primary_metric: str
    task: str
    started_at: float = field(default_factory=time.monotonic)
    n_done: int = 0
    best: float = math.nan
    last_improvement: int = -1
    reason: str | None = None

    @property
    def deadline(self) -> float:
        """Monotonic time at which the job's time budget ends."""
        return self.started_at + self.limits.timeout_minutes * 60.0

    def remaining_seconds(self) -> float:
        """Seconds left of ``timeout_minutes``."""
        return self.deadline - time.monotonic()

    def record(self, result: TrialResult) -> None:
        """Count a finished trial and update the best score."""
        self.n_done += 1
        if result.succeeded and (math.isnan(self.best) or
                                 metrics.is_better(self.primary_metric, self.task, result.score, self.best)):
            self.best = result.score
            self.last_improvement = self.n_done

    def should_stop(self) -> bool:
        """Whether no further trial may start; sets ``reason``."""
        if self.reason is None:
            self.reason = self._check()
        return self.reason is not None

    def _check(self) -> str | None:
        limits = self.limits
        if self.n_done >= limits.max_trials:
            return f"max_trials ({limits.max_trials}) reached"
        if self.remaining_seconds() <= 0:
            return f"timeout_minutes ({limits.timeout_minutes:g}) reached"
        if limits.exit_score is not None and not math.isnan(self.best):
            target = limits.exit_score
            if self.best == target or metrics.is_better(self.primary_metric, self.task, self.best, target):
                return f"exit_score ({target:g}) reached: best {self.primary_metric} {self.best:.4f}"
        if (limits.enable_early_termination and self.n_done > EARLY_TERMINATION_LANDMARKS
                and self.n_done - self.last_improvement >= EARLY_TERMINATION_PATIENCE):
            return (f"early termination: no improvement of {self.primary_metric} in the last "
                    f"{EARLY_TERMINATION_PATIENCE} trials")
        return None
