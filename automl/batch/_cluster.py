"""Batch scoring on a Dask cluster: each mini batch is read and scored by one of its workers.

``score_batch(..., compute="dask://host:port")`` connects to the scheduler before any input is
read (an unreachable one is a ``ConfigError``), sends the scorer to every worker once, and
submits the mini batches as tasks: a worker reads the files of its mini batch (paths it can
reach: a shared or network file system) and returns only the predictions, which the driver
writes in file order. Dask runs the mini batch of a lost worker again on another; one it gives up
on (a ``KilledWorker`` after repeated losses) has its files recorded as failed, and the job goes on.
"""
from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from automl.engine.scheduler import connect_cluster

__all__ = ["ClusterScoring"]


class ClusterScoring:
    """The cluster a batch job scores on, with the scorer its workers hold (a context manager).

    Parameters
    ----------
    compute : str or distributed.Client
        ``"dask://host:port"``, a scheduler address, or a connected client (left open on exit).
    scorer : object
        The scorer every worker receives once (it must pickle: both scorers of
        :mod:`automl.batch._scorers` do).
    """

    def __init__(self, compute: Any, scorer: Any) -> None:
        self.compute = compute
        self.scorer = scorer

    def __enter__(self) -> ClusterScoring:
        self.client_, self._opened = connect_cluster(self.compute)
        try:
            self._scorer = self.client_.scatter(self.scorer, broadcast=True, hash=False)
        except BaseException:
            self._close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self._close()

    def _close(self) -> None:
        self._scorer = None  # the workers drop the scorer once no future refers to it
        if self._opened:
            self.client_.close()

    @property
    def threads(self) -> int:
        """Worker threads in the cluster: how many mini batches can be scored at once."""
        workers = self.client_.scheduler_info().get("workers", {}).values()
        return max(1, sum(int(w.get("nthreads", 1)) for w in workers))

    def submit(self, score: Callable[..., Any], *args: Any) -> Future:
        """``score(scorer, *args)`` as a task on a worker; its future."""
        return self.client_.submit(score, self._scorer, *args, pure=False)
