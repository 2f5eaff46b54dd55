"""A real Dask cluster for the tests: a ``dask scheduler`` and ``dask worker`` processes on 127.0.0.1."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests._mlflow_server import free_port


@dataclass
class DaskCluster:
    """A started cluster: the ``dask://`` address to submit to, and the worker processes."""

    address: str
    workers: list[subprocess.Popen]


@contextmanager
def dask_cluster(logs: Path, workers: int = 2, memory_limit: str = "2GB", nanny: bool = False) -> Iterator[DaskCluster]:
    """Start the scheduler and ``workers`` workers (one thread each); yield the cluster; kill them all on exit.

    Without a ``nanny`` a killed worker stays dead, and nothing stops a worker past its ``memory_limit``
    (it spills and pauses). With one, as ``dask worker`` runs by default, the nanny restarts a worker
    past 95% of its limit (under a new address)."""
    dask = shutil.which("dask", path=os.path.dirname(sys.executable)) or shutil.which("dask")
    assert dask is not None, "the `dask` command comes with dask[distributed], a dependency: reinstall it"
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": open(Path(logs) / "cluster.log", "w")}
    processes = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                   "--no-dashboard"], **quiet)]
    processes += [subprocess.Popen([dask, "worker", address, "--nthreads", "1", "--memory-limit", memory_limit,
                                    "--nanny" if nanny else "--no-nanny", "--no-dashboard", "--host", "127.0.0.1"],
                                   **quiet)
                  for _ in range(workers)]
    try:
        from distributed import Client

        with Client(address, timeout=30) as client:
            client.wait_for_workers(workers, timeout=60)
        yield DaskCluster(address.replace("tcp://", "dask://"), processes[1:])
    finally:
        for process in processes[::-1]:
            process.kill()  # nothing of theirs is kept
        for process in processes:
            process.wait(timeout=30)
        quiet["stderr"].close()
