"""Where endpoints live between commands: one JSON record per endpoint, written atomically.

The store is a folder (``$AUTOML_ENDPOINTS_HOME``, default ``~/.automl/endpoints``) with one
sub-folder per endpoint: ``endpoint.json`` (its keys, port, traffic and deployments; readable by
its owner only) and the logs of its processes. A record is written to a temporary file and
renamed over the old one, so a reader never sees half a record, and each write bumps its
``version``, which the endpoint's router follows. A change reads, changes and writes the record
holding the endpoint's lock (:meth:`EndpointStore.locked`), so that two commands changing one
endpoint at once both take effect.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

try:
    import fcntl
except ImportError:  # Windows: no advisory locks; changes are then not serialised
    fcntl = None

from automl.errors import ConfigError

__all__ = ["ENDPOINTS_HOME", "EndpointStore"]

#: The environment variable naming the store's folder.
ENDPOINTS_HOME = "AUTOML_ENDPOINTS_HOME"
RECORD = "endpoint.json"
LOCK = ".lock"


class EndpointStore:
    """The endpoint records under ``root`` (default: ``$AUTOML_ENDPOINTS_HOME`` or ``~/.automl/endpoints``)."""

    def __init__(self, root: str | os.PathLike | None = None) -> None:
        self.root = Path(root or os.environ.get(ENDPOINTS_HOME) or Path.home() / ".automl" / "endpoints")
        self._held: dict[tuple[str, int], int] = {}  # (endpoint, thread) -> depth

    @contextmanager
    def locked(self, name: str) -> Iterator[None]:
        """Hold endpoint ``name``'s lock: an exclusive ``flock`` on the store's ``.<name>.lock``,
        which another process's change waits for. Reentrant within a thread."""
        key = (name, threading.get_ident())
        if key in self._held or fcntl is None:
            self._held[key] = self._held.get(key, 0) + 1
            try:
                yield
            finally:
                self._release(key)
            return
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / f".{name}{LOCK}", "a", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            self._held[key] = 1
            try:
                yield
            finally:
                self._release(key)
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _release(self, key: tuple[str, int]) -> None:
        self._held[key] -= 1
        if not self._held[key]:
            del self._held[key]

    def folder(self, name: str) -> Path:
        """The folder of endpoint ``name`` (its record and logs)."""
        return self.root / name

    def record_path(self, name: str) -> Path:
        return self.folder(name) / RECORD

    def exists(self, name: str) -> bool:
        return self.record_path(name).is_file()

    def read(self, name: str) -> dict[str, Any]:
        """The record of endpoint ``name``.

        Raises
        ------
        ConfigError
            No such endpoint (the message lists the ones there are).
        """
        try:
            return json.loads(self.record_path(name).read_text(encoding="utf-8"))
        except FileNotFoundError:
            known = ", ".join(self.names()) or "none"
            raise ConfigError(f"no endpoint named {name!r} in {self.root} (endpoints: {known}); create it "
                              "with `automl endpoint create --file endpoint.yml`.") from None

    def write(self, record: dict[str, Any]) -> dict[str, Any]:
        """Write ``record`` (its ``version`` bumped) atomically; return it."""
        record["version"] = int(record.get("version", 0)) + 1
        folder = self.folder(record["name"])
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".endpoint-", suffix=".json")
        with os.fdopen(handle, "w", encoding="utf-8") as out:  # mkstemp: readable by the owner only
            json.dump(record, out, indent=2)
        os.replace(temporary, self.record_path(record["name"]))
        return record

    def names(self) -> list[str]:
        """The endpoints in the store, by name."""
        if not self.root.is_dir():
            return []
        return sorted(p.parent.name for p in self.root.glob(f"*/{RECORD}"))

    def remove(self, name: str) -> None:
        """Forget endpoint ``name``: its record and logs."""
        shutil.rmtree(self.folder(name), ignore_errors=True)
