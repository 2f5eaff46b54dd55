"""Misbehaving estimators for testing the scheduler's promises.

They live in the package (not in a test module) so trial processes, local or on
a Dask worker, can import them. Register them with
:func:`registered_test_algorithm`; nothing registers them by default.
"""
from __future__ import annotations

import contextlib
import os
import signal
import time
from dataclasses import dataclass
from typing import Any, Iterator, Mapping

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.dummy import DummyClassifier, DummyRegressor

from automl.algorithms import Algorithm
from automl.tasks import get_task


class MisbehavingEstimator(BaseEstimator):
    """Does ``behaviour`` in ``fit``: ``"sleep"`` (for ``seconds``), ``"exit"`` (``os._exit``),
    ``"sigkill"`` (its process killed by SIGKILL, as the kernel's out-of-memory killer does),
    ``"allocate"`` (fill ``megabytes`` of memory), ``"memory"`` (raise MemoryError),
    ``"raise"`` (raise RuntimeError), ``"diverge"`` (predicts values two standard deviations of the
    target off its mean, alternately above and below: r2 about -4, as an SGD that diverged) or
    ``"fine"``."""

    def __init__(self, behaviour: str = "fine", seconds: float = 3600.0, n_jobs: int = 1,
                 megabytes: float = 0.0):
        self.behaviour = behaviour
        self.seconds = seconds
        self.n_jobs = n_jobs
        self.megabytes = megabytes

    def _misbehave(self) -> None:
        if self.behaviour == "sleep":
            time.sleep(self.seconds)
        elif self.behaviour == "exit":
            os._exit(1)
        elif self.behaviour == "sigkill":
            os.kill(os.getpid(), signal.SIGKILL)
        elif self.behaviour == "allocate":
            self.ballast_ = np.ones(int(self.megabytes * 2**20) // 8)
        elif self.behaviour == "memory":
            raise MemoryError("test estimator ran out of memory")
        elif self.behaviour == "raise":
            raise RuntimeError("test estimator failed on purpose")

    def fit(self, X, y, sample_weight=None):
        """Misbehave, then fit a dummy model."""
        self._misbehave()
        self.model_ = self._dummy().fit(X, y)
        self.spread_ = 2.0 * float(np.std(np.asarray(y, dtype=float))) if self.behaviour == "diverge" else 0.0
        return self

    def predict(self, X):
        """The dummy model's predictions (pushed far off under ``"diverge"``)."""
        prediction = self.model_.predict(X)
        if self.behaviour == "diverge":
            prediction = prediction + self.spread_ * np.where(np.arange(len(prediction)) % 2 == 0, 1.0, -1.0)
        return prediction


class MisbehavingClassifier(ClassifierMixin, MisbehavingEstimator):
    """Classification flavour of :class:`MisbehavingEstimator`."""

    def _dummy(self):
        return DummyClassifier(strategy="prior")

    def fit(self, X, y, sample_weight=None):  # noqa: D102
        super().fit(X, y, sample_weight)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X):
        """The dummy model's probabilities."""
        return np.asarray(self.model_.predict_proba(X))


class MisbehavingRegressor(RegressorMixin, MisbehavingEstimator):
    """Regression flavour of :class:`MisbehavingEstimator`."""

    def _dummy(self):
        return DummyRegressor()


@dataclass(frozen=True)
class FixedSize:
    """A model size that does not depend on the data: ``model_bytes`` whatever the rows."""

    model_bytes: int

    def estimate(self, params: Mapping[str, Any], n_rows: int, n_values: int = 1, n_features: int = 1) -> int:
        """``model_bytes``."""
        return self.model_bytes

    def cap(self, params: Mapping[str, Any], n_rows: int, n_values: int = 1,
            max_bytes: int = 0) -> dict[str, Any]:
        """Nothing to cap."""
        return dict(params)


@contextlib.contextmanager
def registered_test_algorithm(task: str, name: str, behaviour: str, *, priority: int = -1,
                              seconds: float = 3600.0, megabytes: float = 0.0,
                              model_bytes: int | None = None) -> Iterator[Algorithm]:
    """Register a misbehaving algorithm in the algorithm table of ``task`` while the block runs.

    The estimator is a classifier for a task that predicts classes. With ``model_bytes`` the
    algorithm declares models of that size (:class:`FixedSize`), which a trial's memory
    estimate counts.
    """
    target = get_task(task)
    factory = MisbehavingClassifier if target.predicts_classes else MisbehavingRegressor
    algorithm = Algorithm(name, target.algorithms.task, factory, "MaxAbsScaler", priority=priority,
                          default_params={"behaviour": behaviour, "seconds": seconds,
                                          "megabytes": megabytes},
                          thread_param="n_jobs", size=None if model_bytes is None else FixedSize(model_bytes))
    registry = target.algorithms
    registry.register(algorithm)
    try:
        yield algorithm
    finally:
        registry.unregister(name)


def _process_state(pid: int) -> tuple[str, int] | None:
    """The state letter and parent pid of process ``pid`` (Linux ``/proc``); None when it is gone."""
    from pathlib import Path

    try:
        fields = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return fields[0], int(fields[1])


def trial_server_pid() -> int | None:
    """Process id of the forkserver that local trial processes are forked from
    (:mod:`automl.engine.scheduler._local`), when it runs as a child of this process (Linux)."""
    from multiprocessing import forkserver

    server = getattr(forkserver._forkserver, "_forkserver_pid", None)
    state = _process_state(server) if server else None
    return server if state is not None and state[0] != "Z" and state[1] == os.getpid() else None


def trial_processes() -> list[int]:
    """Process ids of this process's local trial processes still alive (Linux): the children of the
    forkserver that trials are forked from (:mod:`automl.engine.scheduler._local`), zombies left out."""
    from pathlib import Path

    server = trial_server_pid()
    if server is None:
        return []
    found = []
    for entry in Path("/proc").iterdir():
        state = _process_state(int(entry.name)) if entry.name.isdigit() else None
        if state is not None and state[1] == server and state[0] != "Z":
            found.append(int(entry.name))
    return found
