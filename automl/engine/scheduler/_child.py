"""The code a trial process runs: load the shared data, limit threads, train, report.

Two entry points: :func:`process_main` for multiprocessing (local engine) and
``python -m automl.engine.scheduler._child SPEC DATA OUT`` for a plain subprocess
(the Dask engine, whose workers may not fork children of their own).
"""
from __future__ import annotations

import os
import pickle
import resource
import sys
import threading
import time
import warnings
from multiprocessing.connection import Connection

from threadpoolctl import threadpool_limits

from automl.engine.scheduler._shared import load_trial_data
from automl.core import TrialResult, TrialSpec
from automl.tasks import get_task


def _mapped_bytes() -> int:
    """Address space this process holds now (0 where ``/proc`` is missing)."""
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


def _limit_memory(limit_bytes: int | None) -> None:
    """Cap the trial's memory with ``RLIMIT_AS``: ``limit_bytes`` beyond what the process maps
    when the trial starts (the imported libraries), so the cap means the trial's own data.

    An allocation past the cap raises ``MemoryError`` in the trial, which fails alone.
    """
    if limit_bytes:
        cap = _mapped_bytes() + int(limit_bytes)
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            cap = min(cap, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


#: Environment variable in which a Dask worker passes its pid to the trial process it starts.
PARENT_VARIABLE = "AUTOML_TRIAL_PARENT_PID"


def _exit_with_parent(parent: int, every: float = 1.0) -> None:
    """End this process when its parent (a Dask worker, or the forkserver of a local job) dies, instead of
    training on as an orphan."""
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        os._exit(1)

    threading.Thread(target=watch, name="automl-parent-watch", daemon=True).start()


def run_trial(spec: TrialSpec, data_path: str, primary_metric: str, n_jobs: int,
              memory_limit_bytes: int | None = None) -> TrialResult:
    """Evaluate ``spec`` on the shared data with at most ``n_jobs`` threads."""
    _limit_memory(memory_limit_bytes)
    # A trial's convergence and deprecation warnings would only interleave with the progress
    # table: the trial's score and status say what matters.
    warnings.simplefilter("ignore")
    data = load_trial_data(data_path)
    # OpenMP (the boosters) gets the trial's cores; BLAS one thread, so the two never fight.
    with threadpool_limits(limits=n_jobs, user_api="openmp"), threadpool_limits(limits=1, user_api="blas"):
        result = get_task(data.task).evaluate_trial(spec, data, primary_metric, n_jobs)
    result.peak_memory_bytes = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    return result


def process_main(conn: Connection, spec: TrialSpec, data_path: str, primary_metric: str, n_jobs: int,
                 memory_limit_bytes: int | None = None) -> None:
    """Entry point of a local trial process: the result goes back through ``conn``.

    The process ends when its parent (the forkserver, which ends with the job's process) does: a
    job killed with SIGKILL leaves no trial training on for nothing beside the job that resumes it.
    """
    _exit_with_parent(os.getppid())
    try:
        result = run_trial(spec, data_path, primary_metric, n_jobs, memory_limit_bytes)
        try:
            conn.send(result)
        except (BrokenPipeError, ConnectionResetError):  # the job is gone: nobody waits for the result
            os._exit(1)
    finally:
        conn.close()


def main(argv: list[str]) -> int:
    """``python -m automl.engine.scheduler._child SPEC_FILE DATA_FILE OUT_FILE``."""
    spec_path, data_path, out_path = argv
    # The worker's pid comes from the worker itself: one killed while this process was still
    # importing would otherwise go unnoticed.
    _exit_with_parent(int(os.environ.get(PARENT_VARIABLE) or os.getppid()))
    with open(spec_path, "rb") as handle:
        spec, primary_metric, n_jobs, memory_limit = pickle.load(handle)
    result = run_trial(spec, data_path, primary_metric, n_jobs, memory_limit)
    with open(out_path, "wb") as handle:
        pickle.dump(result, handle)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
