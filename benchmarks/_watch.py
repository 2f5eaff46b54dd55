"""Running one benchmark job in a fresh process while watching the memory of its process tree.

Every benchmark that reports wall time and peak memory runs the job this way: a new
interpreter (nothing warmed up by earlier runs), memory sampled every 0.1 s over the process
and all its children (trial processes, AutoGluon's workers), and a hard cap far past the
budget so that one stuck run cannot hold up the rest.

The memory of a tree is the sum of its processes' proportional set sizes (PSS: a page that
n processes share counts 1/n in each), which is what the tree takes from the machine. The
sum of their resident sizes (RSS) counts a shared page once per process: a trial process
forked from a server that imported the learners shows those pages again, so the RSS sum of a
job that trains in child processes is far above its use (1004 MB against 587 MB of PSS for
a 60-s job on penguins; the two agree for a job in one process). Both peaks are recorded.

The child may report ``phases`` (name, start, end in epoch seconds); :func:`peaks_by_phase`
says which part of the run each peak belongs to.
"""
from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

__all__ = ["Watched", "peaks_by_phase", "run_watched", "tree_memory"]

SAMPLE_SECONDS = 0.1


def _pss_and_rss(proc: psutil.Process) -> tuple[int, int]:
    try:
        full = proc.memory_full_info()
        return full.pss, full.rss
    except (psutil.AccessDenied, AttributeError):  # no PSS here (not Linux, or not our process)
        rss = proc.memory_info().rss
        return rss, rss


def tree_memory(process: psutil.Process) -> tuple[int, int]:
    """Bytes of ``process`` and all its children: the sum of their PSS, and the sum of their RSS."""
    pss = rss = 0
    for proc in [process, *process.children(recursive=True)]:
        try:
            proc_pss, proc_rss = _pss_and_rss(proc)
        except psutil.Error:  # ended between listing and reading
            continue
        pss, rss = pss + proc_pss, rss + proc_rss
    return pss, rss


@dataclass
class Watched:
    """What watching a run saw: its exit code, peak tree memory (PSS sum; the RSS sum's peak too) and
    the samples ``(epoch, PSS bytes)``."""

    returncode: int | None
    peak_bytes: int
    samples: list[tuple[float, int]] = field(default_factory=list)
    capped: bool = False
    peak_rss_bytes: int = 0


def run_watched(command: list[str], *, env: dict[str, str], cwd: str | Path, stderr: Path,
                cap_seconds: float) -> Watched:
    """Run ``command`` and sample its tree's memory until it ends; past ``cap_seconds`` it is killed."""
    with open(stderr, "w") as err:
        child = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err)
        watched, started, samples, peak_rss = psutil.Process(child.pid), time.monotonic(), [], 0
        while child.poll() is None:
            pss, rss = tree_memory(watched)
            samples.append((time.time(), pss))
            peak_rss = max(peak_rss, rss)
            if time.monotonic() - started > cap_seconds:
                for proc in [*watched.children(recursive=True), watched]:
                    try:
                        proc.kill()
                    except psutil.Error:
                        pass
                child.wait()
                return Watched(None, max((b for _, b in samples), default=0), samples, capped=True,
                               peak_rss_bytes=peak_rss)
            time.sleep(SAMPLE_SECONDS)
    return Watched(child.returncode, max((b for _, b in samples), default=0), samples, peak_rss_bytes=peak_rss)


def peaks_by_phase(samples: list[tuple[float, int]], phases: list[list]) -> dict[str, int]:
    """Peak tree memory (MB) within each phase of a run, and ``after`` the last one (the exit)."""
    out = {}
    for name, start, end in phases:
        inside = [rss for t, rss in samples if start <= t <= end]
        out[name] = round(max(inside, default=0) / 2**20)
    last = max((end for _, _, end in phases), default=float("inf"))
    out["after"] = round(max((rss for t, rss in samples if t > last), default=0) / 2**20)
    return out
