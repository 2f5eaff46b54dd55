"""Trial data shared with trial processes through one memory-mapped file per job.

The job holds a lock on its folder while it runs. A job whose process was killed before it
could delete its file (SIGKILL, the out-of-memory killer) leaves the folder unlocked, and the
next job on the machine deletes it.
"""
from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
import time
from pathlib import Path

import joblib

from automl.core import TrialData

DATA_FILE = "trial_data.joblib"
PREFIX = "automl-trials-"
LOCK_FILE = ".lock"
#: A folder younger than this without its lock file may be one another job is creating.
_CREATING_SECONDS = 60.0


class SharedTrialData:
    """Writes :class:`~automl.core.TrialData` once; trial processes map it read-only.

    numpy arrays (inside sparse matrices too) are stored raw, so
    ``joblib.load(path, mmap_mode="r")`` shares the pages between processes
    instead of copying the folds into every trial.
    """

    def __init__(self, data: TrialData, directory: str | os.PathLike | None = None):
        remove_orphans(directory)
        self._dir = Path(tempfile.mkdtemp(prefix=PREFIX, dir=directory))
        self._lock = open(self._dir / LOCK_FILE, "w")  # held until remove() or the process ends
        fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        self.path = self._dir / DATA_FILE
        joblib.dump(data, self.path)

    def remove(self) -> None:
        """Delete the file and its folder."""
        shutil.rmtree(self._dir, ignore_errors=True)
        self._lock.close()


def _orphaned(folder: Path) -> bool:
    """Whether no running job holds ``folder``'s lock."""
    try:
        with open(folder / LOCK_FILE) as lock:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
    except BlockingIOError:  # a running job holds it
        return False
    except FileNotFoundError:  # written before locks, or being created right now
        try:
            return time.time() - folder.stat().st_mtime > _CREATING_SECONDS
        except FileNotFoundError:
            return False
    except OSError:  # another user's folder
        return False


def remove_orphans(directory: str | os.PathLike | None = None) -> list[Path]:
    """Delete the trial data folders of jobs that ended without deleting them; the folders deleted."""
    removed = []
    for folder in Path(directory or tempfile.gettempdir()).glob(f"{PREFIX}*"):
        if folder.is_dir() and _orphaned(folder):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def load_trial_data(path: str | os.PathLike) -> TrialData:
    """Map the trial data written by :class:`SharedTrialData`."""
    return joblib.load(path, mmap_mode="r")
