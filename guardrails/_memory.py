"""``Memory issues detection``: will the featurized data fit in memory, and within the job's memory limit?

The check runs in the setup step; after the search, :func:`with_skipped_trials` turns it to
``Alerted`` when the memory limit made the job skip trials, and lists them.
"""
from __future__ import annotations

import os

from ._context import GuardrailContext
from ._result import ALERTED, DONE, PASSED, GuardrailResult

__all__ = ["NAME", "check_memory", "available_memory_bytes", "format_bytes", "with_skipped_trials"]

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
    available memory (or the job's memory limit, when lower), ``Passed`` otherwise; not
    applicable without an estimate.
    """
    estimate = context.featurized_bytes_estimate
    if estimate is None:
        return None
    available = context.available_memory_bytes
    if available is None:
        available = available_memory_bytes()
    limit = context.memory_limit_bytes
    details = [{"Estimated featurized size": format_bytes(estimate),
                "Available memory": format_bytes(available),
                "Memory limit": format_bytes(limit) if limit is not None else "none",
                "Mitigation": context.memory_mitigation or "none"}]
    if context.memory_mitigation:
        return GuardrailResult(NAME, DONE, (
            f"The featurized data ({format_bytes(estimate)}) would likely not fit in memory "
            f"({format_bytes(available)} available), so AutoML applied: "
            f"{context.memory_mitigation}."), details)
    if limit is not None and estimate > limit:
        return GuardrailResult(NAME, ALERTED, (
            f"The featurized data ({format_bytes(estimate)}) is above the job's memory limit "
            f"({format_bytes(limit)}): trials that would not fit are skipped. Raise memory_limit, "
            "sample the data, or drop wide columns."), details)
    if available is not None and estimate > available:
        return GuardrailResult(NAME, ALERTED, (
            f"The featurized data ({format_bytes(estimate)}) may not fit in the available memory "
            f"({format_bytes(available)}). Sample the data, drop wide columns, or use a larger "
            "machine."), details)
    within = f" and within the job's memory limit ({format_bytes(limit)})" if limit is not None else ""
    return GuardrailResult(NAME, PASSED, f"The featurized data is expected to fit in memory{within}.",
                           details)


def with_skipped_trials(results: list[GuardrailResult], limit_bytes: int,
                        skipped: list[dict[str, str]]) -> list[GuardrailResult]:
    """``results`` with the memory guardrail ``Alerted`` for the trials the memory limit skipped.

    Parameters
    ----------
    results : list of GuardrailResult
        The job's guardrails (the memory one is replaced, or added when there was none).
    limit_bytes : int
        The job's memory limit.
    skipped : list of dict
        One row per skipped trial (``Trial``, ``Algorithm``, ``Estimated memory``...).

    Examples
    --------
    >>> out = with_skipped_trials([], 2**30, [{"Trial": "job_3", "Estimated memory": "3.0 GiB"}])
    >>> out[0].status, out[0].details[0]["Trial"]
    ('Alerted', 'job_3')
    """
    if not skipped:
        return list(results)
    alert = GuardrailResult(NAME, ALERTED, (
        f"{len(skipped)} trial(s) were skipped: their estimated memory would not fit within the job's "
        f"memory limit ({format_bytes(limit_bytes)}, with what the job already held). Raise memory_limit "
        "(set_limits), block those algorithms, or sample the data."), [dict(row) for row in skipped])
    kept = [r for r in results if r.name != NAME]
    return kept + [alert]
