"""Deleting what a job wrote to its Dask workers' local directories."""
from __future__ import annotations

import os
import shutil
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from distributed import Client, Worker

__all__ = ["remove_from_workers"]


def _remove_folder(folder: str, dask_worker: Worker) -> None:
    shutil.rmtree(os.path.join(dask_worker.local_directory, folder), ignore_errors=True)


def remove_from_workers(client: Client, folder: str) -> None:
    """Delete ``folder`` (a name inside each worker's local directory) on every worker.

    A worker lost or a scheduler gone keeps nothing to delete: its local directory goes
    with it, so failures here are ignored.
    """
    if client.status != "running":
        return
    try:
        client.run(_remove_folder, folder, on_error="ignore")  # Client.run passes the worker as dask_worker
    except Exception:  # the scheduler went away meanwhile
        pass
