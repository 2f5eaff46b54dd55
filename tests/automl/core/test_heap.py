"""Freed heap memory goes back to the operating system."""
from __future__ import annotations

import gc
import platform

import numpy as np
import psutil
import pytest

from automl.core import release_freed_memory


@pytest.mark.skipif(platform.system() != "Linux" or not platform.libc_ver()[0] == "glibc",
                    reason="malloc_trim is glibc's")
def test_freed_heap_memory_leaves_the_process():
    process = psutil.Process()
    arrays = [np.ones(2000) for _ in range(20_000)]  # 16 KB each (300 MB): the C heap, not mmap
    kept = arrays[::50]  # a few stay alive, so the heap cannot simply shrink from its top
    del arrays
    gc.collect()
    before = process.memory_info().rss
    assert release_freed_memory()
    released = before - process.memory_info().rss
    assert released > 200 * 2**20, f"only {released / 2**20:.0f} MB of about 300 MB freed were released"
    assert len(kept) == 400
