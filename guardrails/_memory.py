"""``Memory issues detection``: will the featurized data fit in memory?"""
from __future__ import annotations

import os

from ._context import GuardrailContext
from ._result import ALERTED, DONE, PASSED, GuardrailResult

__all__ = ["NAME", "check_memory", "available_memory_bytes", "format_bytes"]

NAME = "Memory issues detection"


def available_memory_bytes() -> int | None:
    """Memory available to new allocations (Linux ``MemAvailable``, page cache included),
    else the free physical pages, when the OS tells it."""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, ValueError, OSError):
        return None


def format_bytes(n: int | None) -> str:
    """``1536`` -> ``"1.5 KiB"``."""
    if n is None:
        return "unknown"
    size = float(n)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(size) < 1024 or unit == "TiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} TiB"  # pragma: no cover


def check_memory(context: GuardrailContext) -> GuardrailResult | None:
    """``Done`` when a mitigation was applied, ``Alerted`` when the estimate exceeds the
    available memory, ``Passed`` otherwise; not applicable without an estimate.
    """
    estimate = context.featurized_bytes_estimate
    if estimate is None:
        return None
    available = context.available_memory_bytes
    if available is None:
        available = available_memory_bytes()
    details = [{"Estimated featurized size": format_bytes(estimate),
                "Available memory": format_bytes(available),
                "Mitigation": context.memory_mitigation or "none"}]
    if context.memory_mitigation:
        return GuardrailResult(NAME, DONE, (
            f"The featurized data ({format_bytes(estimate)}) would likely not fit in memory "
            f"({format_bytes(available)} available), so AutoML applied: "
            f"{context.memory_mitigation}."), details)
    if available is not None and estimate > available:
        return GuardrailResult(NAME, ALERTED, (
            f"The featurized data ({format_bytes(estimate)}) may not fit in the available memory "
            f"({format_bytes(available)}). Sample the data, drop wide columns, or use a larger "
            "machine."), details)
    return GuardrailResult(NAME, PASSED, "The featurized data is expected to fit in memory.",
                           details)
