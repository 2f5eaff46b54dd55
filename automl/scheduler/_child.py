"""The code a trial process runs: load the shared data, limit threads, train, report.

Two entry points: :func:`process_main` for multiprocessing (local engine) and
``python -m automl.scheduler._child SPEC DATA OUT`` for a plain subprocess
(the Dask engine, whose workers may not fork children of their own).
"""
from __future__ import annotations

import pickle
import resource
import sys
import warnings
from typing import Any

from threadpoolctl import threadpool_limits

from automl.scheduler._shared import load_trial_data
from automl.trials import TrialResult, TrialSpec, evaluate_trial


def _limit_memory(limit_bytes: int | None) -> None:
    if limit_bytes:
        resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))


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
        return evaluate_trial(spec, data, primary_metric, n_jobs)


def process_main(conn: Any, spec: TrialSpec, data_path: str, primary_metric: str, n_jobs: int,
                 memory_limit_bytes: int | None = None) -> None:
    """Entry point of a local trial process: the result goes back through ``conn``."""
    try:
        result = run_trial(spec, data_path, primary_metric, n_jobs, memory_limit_bytes)
        conn.send(result)
    finally:
        conn.close()


def main(argv: list[str]) -> int:
    """``python -m automl.scheduler._child SPEC_FILE DATA_FILE OUT_FILE``."""
    spec_path, data_path, out_path = argv
    with open(spec_path, "rb") as handle:
        spec, primary_metric, n_jobs, memory_limit = pickle.load(handle)
    result = run_trial(spec, data_path, primary_metric, n_jobs, memory_limit)
    with open(out_path, "wb") as handle:
        pickle.dump(result, handle)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
