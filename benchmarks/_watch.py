"""Running one benchmark job in a fresh process while watching the memory of its process tree.

Every benchmark that reports wall time and peak memory runs the job this way: a new
interpreter (nothing warmed up by earlier runs), memory sampled every 0.1 s over the process
and all its children (trial processes, AutoGluon's workers), and a hard cap far past the
budget so that one stuck run cannot hold up the rest. The child may report ``phases``
(name, start, end in epoch seconds); :func:`peaks_by_phase` says which part of the run each
peak belongs to.
"""
from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

__all__ = ["Watched", "peaks_by_phase", "run_watched", "tree_rss"]

SAMPLE_SECONDS = 0.1


def tree_rss(process: psutil.Process) -> int:
    """Resident bytes of ``process`` and all its children."""
    total = 0
    for proc in [process, *process.children(recursive=True)]:
        try:
            total += proc.memory_info().rss
        except psutil.Error:  # ended between listing and reading
            pass
    return total


@dataclass
class Watched:
    """What watching a run saw: its exit code, peak tree memory and the samples ``(epoch, bytes)``."""

    returncode: int | None
    peak_bytes: int
    samples: list[tuple[float, int]] = field(default_factory=list)
    capped: bool = False


def run_watched(command: list[str], *, env: dict[str, str], cwd: str | Path, stderr: Path,
                cap_seconds: float) -> Watched:
    """Run ``command`` and sample its tree's memory until it ends; past ``cap_seconds`` it is killed."""
    with open(stderr, "w") as err:
        child = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err)
        watched, started, samples = psutil.Process(child.pid), time.monotonic(), []
        while child.poll() is None:
            samples.append((time.time(), tree_rss(watched)))
            if time.monotonic() - started > cap_seconds:
                for proc in [*watched.children(recursive=True), watched]:
                    try:
                        proc.kill()
                    except psutil.Error:
                        pass
                child.wait()
                return Watched(None, max((b for _, b in samples), default=0), samples, capped=True)
            time.sleep(SAMPLE_SECONDS)
    return Watched(child.returncode, max((b for _, b in samples), default=0), samples)


def peaks_by_phase(samples: list[tuple[float, int]], phases: list[list]) -> dict[str, int]:
    """Peak tree memory (MB) within each phase of a run, and ``after`` the last one (the exit)."""
    out = {}
    for name, start, end in phases:
        inside = [rss for t, rss in samples if start <= t <= end]
        out[name] = round(max(inside, default=0) / 2**20)
    last = max((end for _, _, end in phases), default=float("inf"))
    out["after"] = round(max((rss for t, rss in samples if t > last), default=0) / 2**20)
    return out
