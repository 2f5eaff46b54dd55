"""``LimitSettings``: time and trial limits (Azure's ``set_limits``)."""
from __future__ import annotations

import os
from dataclasses import dataclass

from automl.errors import ConfigError
from automl.settings._merge import check_positive_number, check_true_or_false

__all__ = ["AUTO_MEMORY_SHARE", "DEFAULT_MAX_TRIALS", "DEFAULT_TIMEOUT_MINUTES", "DEFAULT_TRIAL_TIMEOUT_MINUTES",
           "LimitSettings"]

#: Where Azure's sources conflict we choose what suits a laptop (see README, "Defaults").
DEFAULT_TIMEOUT_MINUTES = 60.0
DEFAULT_TRIAL_TIMEOUT_MINUTES = 30.0
DEFAULT_MAX_TRIALS = 1000
#: ``memory_limit="auto"``: this share of the memory available when the job starts.
AUTO_MEMORY_SHARE = 0.8


@dataclass
class LimitSettings:
    """Time and trial limits (``set_limits``).

    Defaults: ``timeout_minutes`` 60 and ``trial_timeout_minutes`` 30 (Azure's
    sources say 6 days / 30 days or 360 / 30 minutes; a laptop wants the short
    ones), ``max_trials`` 1000, ``max_concurrent_trials`` None (the machine's
    cores, at most ``max_trials``), ``max_cores_per_trial`` -1 (the cores divided
    among concurrent trials), ``enable_early_termination`` True. A trial never
    runs past the job's own timeout, whatever ``trial_timeout_minutes`` says.
    ``max_nodes`` (Azure's, for distributed training): how many of the Dask cluster's
    workers a ``training_mode="distributed"`` job trains on; None (default) for all of them.
    Jobs that do not train data-parallel have no nodes to count and ignore it.

    ``memory_limit`` follows AutoGluon's ``memory_limit``: the gigabytes the job may use
    (its trials and what it holds beside them), or ``"auto"`` (default) for
    :data:`AUTO_MEMORY_SHARE` of the memory available when the job starts. It is a soft
    limit: a trial whose estimated memory would not fit is skipped with the reason (or waits
    for running trials to end), and the memory guardrail reports it.
    """

    timeout_minutes: float = DEFAULT_TIMEOUT_MINUTES
    trial_timeout_minutes: float = DEFAULT_TRIAL_TIMEOUT_MINUTES
    max_trials: int = DEFAULT_MAX_TRIALS
    max_concurrent_trials: int | None = None
    max_cores_per_trial: int = -1
    enable_early_termination: bool = True
    exit_score: float | None = None
    max_nodes: int | None = None
    memory_limit: float | str = "auto"

    def normalized(self) -> LimitSettings:
        """The limits themselves: every value already has its one spelling."""
        return self

    def validate(self) -> None:
        """Raise :class:`~automl.errors.ConfigError` for an out-of-range limit."""
        check_positive_number("timeout_minutes", self.timeout_minutes)
        check_positive_number("trial_timeout_minutes", self.trial_timeout_minutes)
        check_positive_number("max_trials", self.max_trials, integer=True)
        check_positive_number("max_concurrent_trials", self.max_concurrent_trials, integer=True)
        if self.max_concurrent_trials is not None and self.max_concurrent_trials > self.max_trials:
            raise ConfigError(
                f"max_concurrent_trials ({self.max_concurrent_trials}) is above max_trials "
                f"({self.max_trials}): at most max_trials trials can run at once. Lower it or raise max_trials.")
        check_positive_number("max_nodes", self.max_nodes, integer=True)
        cores = self.max_cores_per_trial
        if isinstance(cores, bool) or not isinstance(cores, int) or (cores != -1 and cores < 1):
            raise ConfigError(f"max_cores_per_trial must be -1 (all cores) or at least 1, got {cores!r}.")
        check_true_or_false("enable_early_termination", self.enable_early_termination)
        limit = self.memory_limit
        if limit != "auto" and (isinstance(limit, bool) or not isinstance(limit, (int, float))
                                or not 0 < limit < float("inf")):
            raise ConfigError(f"memory_limit must be 'auto' or a positive number of gigabytes (e.g. 4), got {limit!r}.")
        if self.exit_score is not None and (
            isinstance(self.exit_score, bool) or not isinstance(self.exit_score, (int, float))
        ):
            raise ConfigError(f"exit_score must be a number, got {self.exit_score!r}.")

    @property
    def timeout_seconds(self) -> float:
        """``timeout_minutes`` in seconds."""
        return self.timeout_minutes * 60.0

    def memory_limit_bytes(self, available_bytes: int | None) -> int | None:
        """The job's memory limit in bytes: ``memory_limit`` GB, or for ``"auto"``
        :data:`AUTO_MEMORY_SHARE` of ``available_bytes`` (None when that is unknown: no limit).

        >>> LimitSettings(memory_limit=2).memory_limit_bytes(None) == 2 * 2**30
        True
        >>> LimitSettings().memory_limit_bytes(10 * 2**30) == 8 * 2**30
        True
        """
        if self.memory_limit == "auto":
            return None if available_bytes is None else int(AUTO_MEMORY_SHARE * available_bytes)
        return int(float(self.memory_limit) * 2**30)

    def concurrent_trials(self) -> int:
        """Trials run at once: ``max_concurrent_trials``, or this machine's cores."""
        if self.max_concurrent_trials is not None:
            return self.max_concurrent_trials
        return max(1, min(os.cpu_count() or 1, self.max_trials))

    def cores_per_trial(self) -> int:
        """The number of cores one trial may use on this machine."""
        available = os.cpu_count() or 1
        if self.max_cores_per_trial == -1:
            return max(1, available // self.concurrent_trials())
        return min(self.max_cores_per_trial, available)
