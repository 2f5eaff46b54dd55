"""Which trial comes next.

The foundation proposer tries each allowed algorithm's default configuration,
most promising first, then draws random configurations of the algorithms in
the order of their best scores so far. The search issue replaces it behind the
same two methods, ``propose`` and ``observe``.
"""
from __future__ import annotations

from typing import Protocol, Sequence

import numpy as np

from automl import metrics
from automl.algorithms import Algorithm, sample_config
from automl.trials._trial import TrialResult, TrialSpec


class TrialProposer(Protocol):
    """What a trial runner asks of a search strategy."""

    def propose(self, iteration: int, name: str) -> TrialSpec | None:
        """The next trial, or None when there is nothing left to try."""

    def observe(self, result: TrialResult) -> None:
        """Learn from a finished trial."""


class PortfolioThenRandomProposer:
    """Defaults first (in priority order), then random configurations of the best algorithms.

    Parameters
    ----------
    algorithms : sequence of Algorithm
        The allowed algorithms, most promising first.
    primary_metric, task : str
        To rank algorithms by their best score.
    seed : int
        Seed of the random configurations.
    """

    def __init__(self, algorithms: Sequence[Algorithm], primary_metric: str, task: str, seed: int = 0):
        self.algorithms = list(algorithms)
        self.primary_metric = primary_metric
        self.task = task
        self.seed = seed
        self._rng = np.random.default_rng(seed)
        self._best: dict[str, float] = {}
        self._round = 0

    def propose(self, iteration: int, name: str) -> TrialSpec | None:
        """Default configurations first; afterwards sample around the ranking."""
        if iteration < len(self.algorithms):
            algorithm = self.algorithms[iteration]
            return TrialSpec(iteration, name, algorithm, {})
        tunable = [a for a in self._ranked() if a.search_space]
        if not tunable:
            return None
        # Favour the better algorithms: the k-th best is picked with weight 1 / (k + 1).
        weights = 1.0 / (np.arange(len(tunable)) + 1.0)
        algorithm = tunable[int(self._rng.choice(len(tunable), p=weights / weights.sum()))]
        return TrialSpec(iteration, name, algorithm, sample_config(dict(algorithm.search_space), self._rng))

    def observe(self, result: TrialResult) -> None:
        """Remember each algorithm's best score."""
        if not result.succeeded:
            self._best.setdefault(result.algorithm, float("nan"))
            return
        current = self._best.get(result.algorithm, float("nan"))
        if np.isnan(current) or metrics.is_better(self.primary_metric, self.task, result.score, current):
            self._best[result.algorithm] = result.score

    def _ranked(self) -> list[Algorithm]:
        key = metrics.sort_key(self.primary_metric, self.task)
        scored = [a for a in self.algorithms if not np.isnan(self._best.get(a.name, np.nan))]
        return sorted(scored, key=lambda a: key(self._best[a.name]))
