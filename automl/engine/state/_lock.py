"""One process at a time per job: a lock file with the owner's process id and host."""
from __future__ import annotations

import json
import os
import socket
from pathlib import Path

from automl.errors import ConfigError

#: The lock's file name in the state folder.
LOCK_FILE = "job.lock"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


class JobLock:
    """The lock of the job whose state is in ``folder``: taken with ``acquire()``, given back with ``release()``.

    The file is created exclusively (``O_EXCL``), so of two processes starting the same job at once
    one is refused. A lock left by a process that no longer runs on this host is stale: it is taken
    over. A lock held on another host cannot be checked, and refuses too (the message says which file
    to delete when that host's job is known to be gone).
    """

    def __init__(self, folder: Path, job_name: str) -> None:
        self.path = Path(folder) / LOCK_FILE
        self.job_name = job_name
        self._held = False

    def holder(self) -> dict | None:
        """The lock's owner (``pid``, ``host``), or None when the job is not locked."""
        try:
            return json.loads(self.path.read_text())
        except (OSError, ValueError):
            return None

    def _stale(self, owner: dict | None) -> bool:
        if owner is None:  # being written this instant, or unreadable: only a live writer does the first
            return not self.path.exists()
        return owner.get("host") == socket.gethostname() and not _alive(int(owner.get("pid", 0)))

    def acquire(self) -> None:
        """Take the lock, or raise :class:`~automl.errors.ConfigError` when a live process holds it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        mine = json.dumps({"pid": os.getpid(), "host": socket.gethostname()})
        for _ in range(2):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                owner = self.holder()
                if not self._stale(owner):
                    where = f"process {owner['pid']} on {owner['host']}" if owner else "another process"
                    raise ConfigError(
                        f"job {self.job_name!r} is running in {where} (lock file {self.path}); wait for it "
                        "to end, or cancel it. If that process is gone, delete the lock file.") from None
                self.path.unlink(missing_ok=True)
                continue
            with os.fdopen(fd, "w") as handle:
                handle.write(mine)
            self._held = True
            return
        raise ConfigError(f"could not take the lock {self.path} of job {self.job_name!r}: another process "
                          "took it at the same time; try again.")

    def release(self) -> None:
        """Give the lock back (only the process that holds it deletes the file)."""
        if self._held:
            self._held = False
            owner = self.holder()
            if owner is not None and owner.get("pid") == os.getpid():
                self.path.unlink(missing_ok=True)
