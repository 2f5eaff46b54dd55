"""Trial data shared with trial processes through one memory-mapped file per job."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import joblib

from automl.core import TrialData

DATA_FILE = "trial_data.joblib"


class SharedTrialData:
    """Writes :class:`~automl.core.TrialData` once; trial processes map it read-only.

    numpy arrays (inside sparse matrices too) are stored raw, so
    ``joblib.load(path, mmap_mode="r")`` shares the pages between processes
    instead of copying the folds into every trial.
    """

    def __init__(self, data: TrialData, directory: str | os.PathLike | None = None):
        self._dir = Path(tempfile.mkdtemp(prefix="automl-trials-", dir=directory))
        self.path = self._dir / DATA_FILE
        joblib.dump(data, self.path)

    def remove(self) -> None:
        """Delete the file and its folder."""
        shutil.rmtree(self._dir, ignore_errors=True)


def load_trial_data(path: str | os.PathLike) -> TrialData:
    """Map the trial data written by :class:`SharedTrialData`."""
    return joblib.load(path, mmap_mode="r")
