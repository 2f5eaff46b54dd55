"""Which engine runs a job's trials: local processes, or a Dask cluster named by ``compute``."""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from automl.data import smallest_worker_memory
from automl.engine.scheduler._local import LocalProcessEngine
from automl.engine.scheduler._trial_engine import TrialEngine
from automl.errors import ConfigError

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["MEMORY_LIMIT_VARIABLE", "cluster_client", "cluster_for_training", "connect_cluster", "make_engine", "trial_memory_limit"]


#: Environment variable: megabytes each trial process may allocate beyond its libraries.
MEMORY_LIMIT_VARIABLE = "AUTOML_TRIAL_MEMORY_MB"


def trial_memory_limit() -> int | None:
    """Bytes from ``AUTOML_TRIAL_MEMORY_MB`` (unset or empty: no cap)."""
    value = os.environ.get(MEMORY_LIMIT_VARIABLE, "").strip()
    if not value:
        return None
    try:
        megabytes = float(value)
    except ValueError:
        megabytes = -1.0
    if not 0 < megabytes < float("inf"):
        raise ConfigError(f"{MEMORY_LIMIT_VARIABLE}={value!r}: give a positive number of megabytes "
                          "(e.g. 2048), or unset it for no cap.")
    return int(megabytes * 2**20)


def make_engine(compute: Any, slots: int, primary_metric: str, n_jobs: int = 1,
                memory_limit_bytes: int | None = None) -> TrialEngine:
    """The engine for ``compute``: ``"local"`` (default) or a Dask address / client.

    ``memory_limit_bytes`` (default: ``AUTOML_TRIAL_MEMORY_MB``) caps what each trial
    process may allocate; a trial over it fails alone with a ``MemoryError``.
    """
    if memory_limit_bytes is None:
        memory_limit_bytes = trial_memory_limit()
    if compute in (None, "local"):
        engine = LocalProcessEngine(slots, primary_metric, n_jobs, memory_limit_bytes)
        engine.warm_up()
        return engine
    from automl.engine.scheduler._dask import DaskEngine

    return DaskEngine(compute, slots, primary_metric, n_jobs, memory_limit_bytes)


def cluster_client(compute: Any) -> tuple[Client, bool]:
    """The Dask client of a ``training_mode="distributed"`` job, connected before any data is read, and
    whether the job opened it (and so closes it).

    Raises
    ------
    ConfigError
        ``compute`` names no cluster, or no scheduler answers at its address.
    """
    if compute in (None, "local"):
        raise ConfigError("training_mode='distributed' trains on a Dask cluster: submit(compute='dask://host:port') "
                          "or submit(compute=distributed.Client(...)); a LocalCluster is one on this machine.")
    return connect_cluster(compute)


def connect_cluster(compute: Any) -> tuple[Client, bool]:
    """A client of the Dask cluster ``compute`` names (``"dask://host:port"``, an address or a
    ``distributed.Client``), and whether it was opened here (and so is to be closed by the caller).

    Raises
    ------
    ConfigError
        No scheduler answers at the address.
    """
    from automl.engine.scheduler._dask import connect

    return connect(compute)


def cluster_for_training(compute: Any, training_mode: str, data_bytes: int | None) -> tuple[Client | None, bool, str]:
    """The cluster a job trains data-parallel on: ``(client, opened here, why)``, or ``(None, False, "")``.

    ``"distributed"`` always trains on the cluster (a ``ConfigError`` without one, :func:`cluster_client`);
    ``"auto"`` does when ``compute`` is a cluster and the data (``data_bytes`` in memory, estimated)
    exceeds what its smallest worker may hold; ``"non_distributed"`` never does.
    """
    if training_mode == "distributed":
        client, opened = cluster_client(compute)
        return client, opened, "training_mode='distributed'"
    if training_mode != "auto" or compute in (None, "local") or not data_bytes:
        return None, False, ""
    client, opened = cluster_client(compute)
    room = smallest_worker_memory(client)
    if room is not None and data_bytes > room:
        return client, opened, (f"training_mode='auto' chose distributed training: the data takes about "
                                f"{data_bytes / 2**30:.1f} GiB in memory, more than a worker's {room / 2**30:.1f} GiB")
    if opened:
        client.close()
    return None, False, ""
