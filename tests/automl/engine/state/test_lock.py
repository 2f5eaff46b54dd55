"""One process per job: a live owner refuses, a dead one's lock is taken over."""
from __future__ import annotations

import json
import socket
import subprocess
import sys

import pytest

from automl.engine.state import JobLock
from automl.errors import ConfigError


def test_a_lock_held_by_a_live_process_refuses(tmp_path):
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (tmp_path / "job.lock").write_text(json.dumps({"pid": other.pid, "host": socket.gethostname()}))
        with pytest.raises(ConfigError, match=rf"job 'j' is running in process {other.pid} on .*delete the lock"):
            JobLock(tmp_path, "j").acquire()
    finally:
        other.kill()
        other.wait()
    lock = JobLock(tmp_path, "j")
    lock.acquire()  # its owner is gone: the stale lock is taken over
    assert json.loads((tmp_path / "job.lock").read_text())["pid"] != other.pid
    lock.release()
    assert not (tmp_path / "job.lock").exists()


def test_two_locks_of_one_job_in_one_process_refuse(tmp_path):
    first = JobLock(tmp_path, "j")
    first.acquire()
    with pytest.raises(ConfigError, match="is running in process"):
        JobLock(tmp_path, "j").acquire()
    first.release()


def test_a_lock_from_another_host_refuses(tmp_path):
    (tmp_path / "job.lock").write_text(json.dumps({"pid": 1, "host": "elsewhere"}))
    with pytest.raises(ConfigError, match="on elsewhere"):
        JobLock(tmp_path, "j").acquire()
