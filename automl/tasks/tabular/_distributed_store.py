"""The featurized partitions of a distributed job, kept on the disks of the workers that train on them.

The setup featurizes every partition once, on one of the training workers, and writes its features
(float32: the boosters bin them anyway) and its target (class codes for classification) to a file in
that worker's local directory. The driver keeps a :class:`StoredPartition` for each: the partition,
the worker, the file and the rows. A trial reads a worker's partitions from that worker's own disk,
one at a time where the booster allows it (LightGBM streams them into its binned dataset:
:mod:`._distributed_lightgbm`), so no worker needs its share of the float features in memory at
once: the featurized data may be larger than the workers' memory together.

A partition whose worker is lost is featurized again, on a worker left, by the next trial that needs
it (:func:`stored_partitions`). :func:`remove_stored` deletes the files of a job on every worker.
"""
from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from automl.core import release_freed_memory, remove_from_workers
from automl.data import load_partitioned

if TYPE_CHECKING:
    import dask.array as da
    from distributed import Client

__all__ = ["StoredPartition", "load_features", "load_target", "predict_stored", "remove_stored", "store_partitions",
           "stored_arrays", "stored_partitions"]

#: The folder under a worker's local directory that holds a job's featurized partitions.
FOLDER_PREFIX = "automl-featurized-"
#: Rows of a partition featurized at a time when it is stored.
FEATURIZED_ROWS = 50_000


@dataclass(frozen=True)
class StoredPartition:
    """One featurized partition on a worker's disk.

    Attributes
    ----------
    partition : int
        The partition's position in the training data (a file of it).
    worker : str
        The address of the worker whose disk holds it: only that worker reads it.
    path : str
        Where it is on that worker: ``<path>-X.npy`` holds the float32 features, ``<path>-y.npy`` the target.
    rows : int
        Its rows.
    n_features : int
        Its featurized columns.
    """

    partition: int
    worker: str
    path: str
    rows: int
    n_features: int


def features_of(partition: pd.DataFrame, featurizer: Any, target: str) -> np.ndarray:
    """One partition's raw rows, featurized (float32: the boosters bin them anyway)."""
    return np.asarray(featurizer.transform(partition.drop(columns=[target], errors="ignore")), dtype=np.float32)


def target_of(labels: pd.Series, classes: np.ndarray | None) -> np.ndarray:
    """The target as the boosters take it: the classes' positions in ``classes`` (which every worker shares:
    a worker may lack a class), or the values for regression."""
    if classes is None:
        return labels.to_numpy(dtype=np.float64)
    position = {c: i for i, c in enumerate(classes.tolist())}
    return labels.map(position).to_numpy(dtype=np.int32)


def _write_features(path: str, partition: pd.DataFrame, featurizer: Any, target: str, n_features: int) -> None:
    """Featurize ``partition`` :data:`FEATURIZED_ROWS` rows at a time into the ``.npy`` file ``path``: the
    worker holds the raw partition and a block of features, never all its features at once."""
    header = {"descr": np.lib.format.dtype_to_descr(np.dtype(np.float32)), "fortran_order": False,
              "shape": (len(partition), n_features)}
    with open(path, "wb") as file:
        np.lib.format.write_array_header_2_0(file, header)
        for start in range(0, len(partition), FEATURIZED_ROWS):
            block = features_of(partition.iloc[start:start + FEATURIZED_ROWS], featurizer, target)
            file.write(np.ascontiguousarray(block).tobytes())


def _store(partition: pd.DataFrame, featurizer: Any, target: str, classes: np.ndarray | None, n_features: int,
           folder: str, numbers: list[int], partition_info: dict | None = None) -> pd.DataFrame:
    """Featurize one partition and write it to this worker's disk (a task on the worker); its handle as a
    one-row frame."""
    from distributed import get_worker

    worker = get_worker()
    directory = os.path.join(worker.local_directory, folder)
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, f"part-{uuid.uuid4().hex}")
    _write_features(path + "-X.npy", partition, featurizer, target, n_features)
    np.save(path + "-y.npy", target_of(partition[target], classes))
    release_freed_memory()
    number = numbers[partition_info["number"]] if partition_info else -1
    return pd.DataFrame({"partition": [number], "worker": [worker.address], "path": [path], "rows": [len(partition)],
                         "n_features": [n_features]})


def store_partitions(client: Client, source: Any, partitions: list[int], featurizer: Any, target: str,
                     classes: np.ndarray | None, n_features: int, folder: str,
                     workers: list[str]) -> list[StoredPartition]:
    """Featurize ``partitions`` of ``source`` on ``workers`` (every worker when empty) and store them there."""
    if not partitions:
        return []
    frame = load_partitioned(source, client=client).partitions[partitions]
    meta = pd.DataFrame({"partition": pd.Series(dtype="int64"), "worker": pd.Series(dtype=object),
                         "path": pd.Series(dtype=object), "rows": pd.Series(dtype="int64"),
                         "n_features": pd.Series(dtype="int64")})
    handles = frame.map_partitions(_store, featurizer, target, classes, n_features, folder, list(partitions),
                                   meta=meta)
    table = client.compute(handles, workers=workers or None, allow_other_workers=False, sync=True)
    return [StoredPartition(int(p), str(w), str(path), int(r), int(n))
            for p, w, path, r, n in table.itertuples(index=False)]


def stored_partitions(client: Client, stored: list[StoredPartition], store: Any) -> list[StoredPartition]:
    """``stored``, with the partitions of workers the cluster no longer has featurized again by
    ``store(partitions)`` (:func:`store_partitions` with the job's settings)."""
    alive = set(client.scheduler_info().get("workers", {}))
    lost = [p.partition for p in stored if p.worker not in alive]
    if not lost:
        return stored
    again = {p.partition: p for p in store(lost)}
    return [again.get(p.partition, p) for p in stored]


def load_features(part: StoredPartition) -> np.ndarray:
    """The features of a stored partition (on its worker)."""
    return np.load(part.path + "-X.npy")


def load_target(part: StoredPartition) -> np.ndarray:
    """The target of a stored partition (on its worker)."""
    return np.load(part.path + "-y.npy")


def _on(client: Client, function: Any, part: StoredPartition, *args: Any) -> Any:
    """``function(part, *args)`` as a task on the worker that holds ``part``."""
    return client.submit(function, part, *args, workers=[part.worker], allow_other_workers=False, pure=False)


def stored_arrays(client: Client, parts: list[StoredPartition], classify: bool) -> tuple[da.Array, da.Array]:
    """The features and target of ``parts`` as Dask arrays, each block read on the worker that holds it
    (for the Dask estimators that take arrays: they hold a worker's share in memory while they train)."""
    import dask.array as da

    X = [da.from_delayed(_on(client, load_features, p), shape=(p.rows, p.n_features), dtype=np.float32) for p in parts]
    codes = np.int32 if classify else np.float64
    y = [da.from_delayed(_on(client, load_target, p), shape=(p.rows,), dtype=codes) for p in parts]
    return da.concatenate(X), da.concatenate(y)


def _predict_part(part: StoredPartition, model: Any, proba: bool) -> tuple[np.ndarray, np.ndarray]:
    X = load_features(part)
    prediction = model.predict_proba(X) if proba else model.predict(X)
    del X
    release_freed_memory()
    return prediction, load_target(part)


def predict_stored(client: Client, model: Any, parts: list[StoredPartition],
                   proba: bool) -> tuple[np.ndarray, np.ndarray]:
    """The predictions of the local ``model`` on ``parts`` (probabilities when ``proba``), each partition
    predicted on its worker, and their target, in the partitions' order."""
    remote = client.scatter(model, broadcast=True, hash=False)
    results = client.gather([_on(client, _predict_part, p, remote, proba) for p in parts])
    return np.concatenate([r[0] for r in results]), np.concatenate([r[1] for r in results])


def remove_stored(client: Client, folder: str) -> None:
    """Delete ``folder`` (a job's featurized partitions) on every worker (a cluster already gone keeps none)."""
    remove_from_workers(client, folder)
