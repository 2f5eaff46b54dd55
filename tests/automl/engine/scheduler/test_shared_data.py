"""The trial data file of a job killed before it could delete it is deleted by the next job."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from automl.engine.scheduler._shared import PREFIX, SharedTrialData, load_trial_data

_WRITER = """
import sys, time
import numpy as np
from automl.engine.scheduler._shared import SharedTrialData
shared = SharedTrialData({"x": np.arange(5)}, sys.argv[1])
print(shared.path, flush=True)
time.sleep(600)
"""


def _writer(directory):
    process = subprocess.Popen([sys.executable, "-c", _WRITER, str(directory)], stdout=subprocess.PIPE, text=True)
    return process, Path(process.stdout.readline().strip())


def test_a_killed_jobs_folder_is_removed_and_running_jobs_folders_are_kept(tmp_path):
    killed, killed_path = _writer(tmp_path)
    running, running_path = _writer(tmp_path)
    try:
        killed.send_signal(signal.SIGKILL)
        killed.wait(timeout=30)
        here = SharedTrialData({"x": np.arange(3)}, tmp_path)
        same_process = SharedTrialData({"x": np.arange(4)}, tmp_path)
        folders = {p.name for p in tmp_path.glob(f"{PREFIX}*")}
        assert folders == {p.parent.name for p in (here.path, same_process.path, running_path)}, folders
        assert not killed_path.exists()
        assert np.array_equal(load_trial_data(here.path)["x"], np.arange(3))
        assert np.array_equal(load_trial_data(same_process.path)["x"], np.arange(4))
        here.remove()
        assert not here.path.parent.exists() and same_process.path.exists()
        same_process.remove()
    finally:
        running.kill()
        running.wait(timeout=30)


def test_a_folder_without_a_lock_is_removed_only_once_it_is_old(tmp_path):
    fresh, old = tmp_path / f"{PREFIX}fresh", tmp_path / f"{PREFIX}old"
    for folder in (fresh, old):
        folder.mkdir()
        (folder / "trial_data.joblib").write_bytes(b"data")
    an_hour_ago = time.time() - 3600
    os.utime(old, (an_hour_ago, an_hour_ago))
    shared = SharedTrialData({"x": np.arange(2)}, tmp_path)
    assert fresh.exists() and not old.exists()
    shared.remove()
