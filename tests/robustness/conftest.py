"""Helpers of the robustness tests: small frames, quick jobs, and a ledger of finished trials.

Every fault test runs its job through :func:`run_observed`, whose :class:`TrialLedger`
hears each trial as it finishes; :meth:`TrialLedger.lost` counts the finished trials
the job's result does not hold (the issue's "finished trials lost", which must be 0).
"""
from __future__ import annotations

import math
from contextlib import contextmanager
from typing import Any, Iterator
from unittest import mock

import numpy as np
import pandas as pd
import pytest

import automl
from automl.jobs import default_observers
from automl.engine import run_job
from automl.core import COMPLETED
from automl.engine.scheduler import TrialScheduler


def labelled_frame(n: int = 120) -> pd.DataFrame:
    """``n`` rows: a numeric and a categorical feature, a learnable binary target."""
    x = (np.arange(n) * 7) % 50
    colour = np.array(["red", "green", "blue"])[np.arange(n) % 3]
    label = np.where((x > 25) | (colour == "red"), "yes", "no")
    return pd.DataFrame({"x": x.astype(float), "colour": colour, "label": label})


@pytest.fixture
def frame() -> pd.DataFrame:
    return labelled_frame()


def quick_job(data: Any, target: str = "label", task: str = "classification", *,
              algorithms: tuple[str, ...] = ("DecisionTree",), max_trials: int = 1, **kwargs: Any):
    """A job that trains ``max_trials`` fast trials, one at a time, without ensembles."""
    factory = automl.classification if task == "classification" else automl.regression
    job = factory(training_data=data, target_column_name=target, log_verbosity="warning", **kwargs)
    job.set_limits(max_trials=max_trials, max_concurrent_trials=1)
    job.set_training(allowed_training_algorithms=list(algorithms), enable_vote_ensemble=False,
                     enable_stack_ensemble=False, enable_model_explainability=False)
    return job


class TrialLedger:
    """A job observer that keeps every trial it hears of, and what the job started with."""

    def __init__(self) -> None:
        self.finished: list[Any] = []
        self.started: list[str] = []

    def job_started(self, job: Any, prepared: Any) -> None:
        pass

    def trial_started(self, spec: Any) -> None:
        self.started.append(spec.name)

    def trial_finished(self, result: Any) -> None:
        self.finished.append(result)

    def job_finished(self, job: Any, result: Any) -> None:
        pass

    def completed(self) -> list[Any]:
        return [t for t in self.finished if t.status == COMPLETED]

    def lost(self, result: Any) -> int:
        """Completed trials the ledger heard of that ``result`` lacks or holds changed."""
        kept = {t.name: t for t in result.trials}
        lost = 0
        for trial in self.completed():
            held = kept.get(trial.name)
            if held is None or held.status != COMPLETED or not math.isclose(held.score, trial.score):
                lost += 1
        return lost


def run_observed(job: Any, *extra: Any, compute: Any = "local") -> tuple[Any, TrialLedger]:
    """Run ``job`` with the default observers plus ``extra`` and a ledger; return both."""
    ledger = TrialLedger()
    observers = default_observers(job, show_progress=False) + [*extra, ledger]
    result = run_job(job, observers, compute=compute)
    return result, ledger


def assert_best_kept(result: Any, ledger: TrialLedger) -> None:
    """Nothing finished was lost and the best finished trial is the job's best model."""
    assert ledger.lost(result) == 0
    completed = ledger.completed()
    assert completed, "no trial completed"
    assert result.best_model is not None and result.best_trial is not None
    assert result.best_trial.score == max(t.score for t in completed)  # accuracy: higher is better


@contextmanager
def refused(error: type[BaseException] | tuple[type[BaseException], ...], match: str | None = None) -> Iterator[Any]:
    """``pytest.raises(error, match=match)`` that also checks the refusal came before any work: no
    search started (so no trial ran) and no MLflow run was left open."""
    import mlflow

    searches: list[Any] = []
    run = TrialScheduler.run

    def recorded(self: TrialScheduler, *args: Any, **kwargs: Any) -> Any:
        searches.append(self)
        return run(self, *args, **kwargs)

    with mock.patch.object(TrialScheduler, "run", recorded):
        with pytest.raises(error, match=match) as caught:
            yield caught
    assert not searches, f"{caught.value!r} came after the search had started"
    assert mlflow.active_run() is None, "an MLflow run was left open"
