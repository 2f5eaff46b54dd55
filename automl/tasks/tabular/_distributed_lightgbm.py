"""LightGBM trained data-parallel on the Dask workers, each streaming its own stored partitions.

Every worker that holds training partitions (:mod:`._distributed_store`) runs one task: it reads its
partitions from its disk one at a time into LightGBM's binned dataset (a :class:`lightgbm.Sequence`
per partition: LightGBM samples rows of them to find the bins, which the workers agree on over the
network, then bins every row, a byte per value), and trains with the others as LightGBM's
data-parallel learner (``tree_learner="data"``, the machines and ports handed out as
``lightgbm.dask`` does). So a worker never holds the float features of its share at once, where
``lightgbm.dask`` holds them twice (its partitions, and their concatenation). The first worker
returns the booster; the driver makes it the algorithm table's ``LGBMClassifier`` /
``LGBMRegressor``, a plain local estimator.
"""
from __future__ import annotations

import math
import socket
import time
from collections import defaultdict
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import lightgbm
import numpy as np

from automl.core import release_freed_memory
from automl.tasks.tabular._distributed_store import StoredPartition, load_features, load_target

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["LightGBMDeadline", "fitted_estimator", "train_lightgbm"]

#: Rows LightGBM reads from a stored partition at a time when it bins them.
BATCH_ROWS = 65_536
#: The scikit-learn parameters LightGBM's training does not take (the rest are its parameters' aliases).
SKLEARN_ONLY = ("class_weight", "importance_type")


class LightGBMDeadline:
    """A LightGBM callback that ends the boosting at ``deadline`` (epoch seconds, on every worker)."""

    order = 30

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline

    def __call__(self, env: Any) -> None:
        from lightgbm.callback import EarlyStopException

        if time.time() >= self.deadline and env.iteration > 0:
            raise EarlyStopException(env.iteration, env.evaluation_result_list or [])


class _OnePartition:
    """The features of one stored partition at a time: LightGBM reads the partitions in order (once for a
    sample of rows, once to bin every row), so each is read from disk twice and one is in memory."""

    def __init__(self) -> None:
        self.path = ""
        self.features: np.ndarray | None = None

    def of(self, part: StoredPartition) -> np.ndarray:
        if part.path != self.path:
            self.features = None  # freed before the next is read
            self.features, self.path = load_features(part), part.path
        return self.features


class _StoredSequence(lightgbm.Sequence):
    """A stored partition as LightGBM's :class:`~lightgbm.Sequence` (a row by index, for the sample the bins
    are found on, or rows by slice, to bin them)."""

    batch_size = BATCH_ROWS

    def __init__(self, part: StoredPartition, reader: _OnePartition) -> None:
        self.part = part
        self.reader = reader

    def __len__(self) -> int:
        return self.part.rows

    def __getitem__(self, index: int | slice) -> np.ndarray:
        rows = self.reader.of(self.part)[index]
        return rows if isinstance(index, slice) else rows.astype(np.float64)  # LightGBM samples rows as double


class _PortHolder:
    """A port reserved on a worker (a bound socket) until that worker's training listens on it."""

    def __init__(self) -> None:
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.socket.bind(("", 0))
        self.port = int(self.socket.getsockname()[1])

    def release(self) -> None:
        self.socket.close()


def _port_of(holder: _PortHolder) -> int:
    return holder.port


class _ReleaseBeforeBoosting:
    """A LightGBM callback that, before the first round, drops the partition ``reader`` still holds and gives
    back what building the binned dataset freed (the sample its bins were found on, each partition read)."""

    order = 0
    before_iteration = True

    def __init__(self, reader: _OnePartition) -> None:
        self.reader = reader

    def __call__(self, env: Any) -> None:
        if self.reader.features is not None:
            self.reader.features, self.reader.path = None, ""
            release_freed_memory()


def _boost(parts: list[StoredPartition], params: dict, network: dict, holder: _PortHolder,
           deadline: float | None, keep: bool) -> str | None:
    reader = _OnePartition()
    label = np.concatenate([load_target(p) for p in parts])
    dataset = lightgbm.Dataset([_StoredSequence(p, reader) for p in parts], label=label, free_raw_data=True)
    holder.release()  # LightGBM listens on the port from here
    stops = [LightGBMDeadline(deadline)] if deadline else []
    booster = lightgbm.train({**params, **network}, dataset, callbacks=[_ReleaseBeforeBoosting(reader), *stops])
    return booster.model_to_string() if keep else None


def _train_on_worker(parts: list[StoredPartition], params: dict, network: dict, holder: _PortHolder,
                     deadline: float | None, keep: bool) -> str | None:
    """Train on this worker's ``parts`` with the other workers (a task on the worker); the booster as text
    from the worker that ``keep``\\ s it."""
    try:
        return _boost(parts, params, network, holder, deadline, keep)
    except BaseException:
        # LightGBM frees its network (the worker thread's own) only after a training that ends: a thread that
        # kept the sockets of a failed one (a peer lost) would fail every later training ("Socket send error")
        from lightgbm.basic import _LIB, _safe_call

        _safe_call(_LIB.LGBM_NetworkFree())
        raise
    finally:
        release_freed_memory()  # the binned dataset, the sample its bins were found on, the booster


def booster_params(params: dict, classes: np.ndarray | None) -> dict:
    """LightGBM's training parameters from the scikit-learn estimator's ``params``."""
    train = {k: v for k, v in params.items() if k not in SKLEARN_ONLY and v is not None}
    if classes is not None:
        binary = len(classes) <= 2
        train.update(objective="binary" if binary else "multiclass", **({} if binary else {"num_class": len(classes)}))
    else:
        train.setdefault("objective", "regression")
    # Column-wise histograms: LightGBM otherwise builds a row-wise copy of the binned data to time both
    # ways, a spike of a byte per value on each worker (its documentation advises it "to reduce memory cost")
    return {**train, "tree_learner": "data", "force_col_wise": True, "verbose": -1}


def train_lightgbm(client: Client, parts: list[StoredPartition], params: dict,
                   deadline: float | None) -> lightgbm.Booster:
    """Train a booster of LightGBM ``params`` (:func:`booster_params`) on ``parts`` across the workers that
    hold them, its boosting ended at ``deadline`` (epoch seconds, or None) on every worker at the same round."""
    by_worker: dict[str, list[StoredPartition]] = defaultdict(list)
    for part in parts:
        by_worker[part.worker].append(part)
    workers = sorted(by_worker)
    on = {"allow_other_workers": False, "pure": False}
    holders = {w: client.submit(_PortHolder, workers=[w], **on) for w in workers}
    ports = client.gather({w: client.submit(_port_of, holders[w], workers=[w], **on) for w in workers})
    network = {"machines": ",".join(f"{urlparse(w).hostname}:{ports[w]}" for w in workers),
               "num_machines": len(workers)}
    if deadline:  # LightGBM's socket timeout (minutes, 120 by default): a worker lost while the workers
        # connect leaves the others waiting that long, and a worker thread waiting trains nothing else
        network["time_out"] = max(1, math.ceil((deadline - time.time()) / 60))
    trained = [client.submit(_train_on_worker, by_worker[w], params, {**network, "local_listen_port": ports[w]},
                             holders[w], deadline, w == workers[0], workers=[w], **on) for w in workers]
    return lightgbm.Booster(model_str=next(text for text in client.gather(trained) if text))


def fitted_estimator(booster: lightgbm.Booster, estimator: Any, classes: np.ndarray | None) -> Any:
    """The algorithm table's unfitted ``LGBMClassifier`` / ``LGBMRegressor`` made the fitted estimator of
    ``booster``, answering with ``classes`` (the booster learned their positions)."""
    estimator._Booster = booster
    estimator._n_features = estimator._n_features_in = booster.num_feature()
    estimator._objective = booster_params(estimator.get_params(), classes)["objective"]
    estimator._evals_result, estimator._best_score = {}, booster.best_score
    estimator._best_iteration = booster.best_iteration
    estimator._fitted_with_feature_names = False
    if classes is not None:
        from lightgbm.sklearn import _LGBMLabelEncoder

        estimator._le = _LGBMLabelEncoder().fit(classes)
        estimator._classes, estimator._n_classes = estimator._le.classes_, len(classes)
        estimator._class_map = {c: i for i, c in enumerate(estimator._classes.tolist())}
    estimator.fitted_ = True
    return estimator
