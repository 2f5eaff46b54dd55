"""The scheduler lets a trial be stopped for its pace only once the job has a scored trial."""
from __future__ import annotations

from automl.algorithms import CLASSIFICATION
from automl.core import COMPLETED, FAILED, TrialResult, TrialSpec
from automl.engine.scheduler import StopRules, TrialScheduler
from automl.metrics import CLASSIFICATION_METRICS
from automl.settings import LimitSettings


class _OneSlotEngine:
    """Runs nothing: each submitted trial ends at the next wait with the outcome the test set."""

    slots = 1

    def __init__(self, outcomes: list[tuple[str, float]]):
        self.outcomes, self.submitted, self._running = list(outcomes), [], []

    def open(self, data) -> None:  # noqa: D102
        pass

    def submit(self, spec: TrialSpec, deadline: float, reason: str) -> None:  # noqa: D102
        self.submitted.append(spec)
        self._running.append(spec)

    def wait(self, timeout: float) -> list[TrialResult]:  # noqa: D102
        ended, self._running = self._running, []
        return [TrialResult(s.iteration, s.name, s.algorithm.name, s.algorithm.preprocessor, {}, status, score=score)
                for s, (status, score) in zip(ended, [self.outcomes.pop(0) for _ in ended])]

    def cancel_all(self, reason: str) -> list[TrialResult]:  # noqa: D102
        return []

    @property
    def n_running(self) -> int:  # noqa: D102
        return len(self._running)


class _Proposer:
    def __init__(self, n: int):
        self.n = n

    def propose(self, iteration: int, name: str) -> TrialSpec | None:  # noqa: D102
        return TrialSpec(iteration, name, CLASSIFICATION["DecisionTree"]) if iteration < self.n else None

    def propose_variant(self, iteration: int, name: str) -> TrialSpec | None:  # noqa: D102
        return None

    def observe(self, result: TrialResult) -> None:  # noqa: D102
        pass


def test_trials_may_be_stopped_for_their_pace_only_after_a_trial_was_scored():
    engine = _OneSlotEngine([(FAILED, float("nan")), (COMPLETED, 0.8), (COMPLETED, 0.7)])
    scheduler = TrialScheduler(engine, 600.0, lambda i: f"job_{i}", allowance_seconds=10.0)
    stop = StopRules(LimitSettings(timeout_minutes=10), CLASSIFICATION_METRICS["AUC_weighted"])
    results = scheduler.run(_Proposer(3), None, stop)
    assert [r.status for r in results] == [FAILED, COMPLETED, COMPLETED]
    assert [s.max_seconds for s in engine.submitted] == [10.0, 10.0, 10.0]
    # the first ran with no score in the job, the second after a failure only; the third after a score
    assert [s.stop_when_slow for s in engine.submitted] == [False, False, True]
