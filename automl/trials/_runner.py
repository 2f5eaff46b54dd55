"""Trial runners: how proposed trials get trained within the limits.

:class:`SequentialTrialRunner` trains one trial after another in this
process. The scheduler issue adds parallel engines behind the same ``run``.
"""
from __future__ import annotations

from typing import Callable, Protocol

from automl._setup import PreparedData
from automl.trials._evaluate import evaluate_trial
from automl.trials._proposer import TrialProposer
from automl.trials._stopping import StopRules
from automl.trials._trial import TrialResult


class TrialRunner(Protocol):
    """Runs trials proposed by a search until the stop rules end the job."""

    def run(self, proposer: TrialProposer, prepared: PreparedData, stop: StopRules,
            name_of: Callable[[int], str],
            on_result: Callable[[TrialResult], None]) -> list[TrialResult]:
        """Train trials; call ``on_result`` for each finished one; return them all."""


class SequentialTrialRunner:
    """Trains trials one after another in the calling process.

    Parameters
    ----------
    n_jobs : int
        Threads each estimator may use.
    """

    def __init__(self, n_jobs: int = 1):
        self.n_jobs = n_jobs

    def run(self, proposer: TrialProposer, prepared: PreparedData, stop: StopRules,
            name_of: Callable[[int], str],
            on_result: Callable[[TrialResult], None]) -> list[TrialResult]:
        """Train trials until ``stop`` says so or the proposer has nothing left."""
        results: list[TrialResult] = []
        while not stop.should_stop():
            iteration = len(results)
            spec = proposer.propose(iteration, name_of(iteration))
            if spec is None:
                stop.reason = "every candidate configuration was tried"
                break
            result = evaluate_trial(spec, prepared, stop.primary_metric, self.n_jobs)
            proposer.observe(result)
            stop.record(result)
            results.append(result)
            on_result(result)
        return results
