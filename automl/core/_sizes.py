"""How many bytes an object takes once saved: what logging a model writes, and what it holds."""
from __future__ import annotations

import pickle
from typing import Any

__all__ = ["serialized_bytes"]


class _Counter:
    """A write-only file that counts what is written to it and keeps nothing."""

    def __init__(self) -> None:
        self.size = 0

    def write(self, data: bytes | memoryview) -> int:
        n = memoryview(data).nbytes
        self.size += n
        return n


def serialized_bytes(obj: Any) -> int:
    """The size of ``obj`` pickled (protocol 5), counted as it streams: no copy is kept.

    Examples
    --------
    >>> import numpy as np
    >>> serialized_bytes(np.zeros(1000)) > 8000
    True
    """
    counter = _Counter()
    pickle.Pickler(counter, protocol=5).dump(obj)
    return counter.size
