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


_PROBE = """
import ctypes, sys
import numpy as np
from automl.core import return_large_blocks_on_free

class MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in
                ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks",
                 "keepcost")]

libc = ctypes.CDLL(None)
libc.mallinfo2.restype = MallInfo2
if sys.argv[1] == "fixed":
    assert return_large_blocks_on_free()
np.ones(4 << 17)  # a 4 MB block, freed at once: glibc then serves blocks of that size from its heap
block = np.ones(4 << 17)
print(libc.mallinfo2().hblkhd)
"""


@pytest.mark.skipif(platform.system() != "Linux" or not platform.libc_ver()[0] == "glibc",
                    reason="mallopt and mallinfo2 are glibc's")
@pytest.mark.parametrize("threshold", ["dynamic", "fixed"])
def test_a_large_block_freed_is_not_kept_in_the_heap(threshold):
    """In a fresh process (the test's own history would not matter): after a 4 MB block is freed,
    the next one is mapped apart, hence unmapped when freed, only once the threshold is fixed."""
    import subprocess
    import sys

    mapped = int(subprocess.run([sys.executable, "-c", _PROBE, threshold], capture_output=True, text=True,
                                check=True).stdout)
    if threshold == "fixed":
        assert mapped >= 4 << 20
    else:  # glibc's own behaviour, which the setting exists to change
        assert mapped < 4 << 20
