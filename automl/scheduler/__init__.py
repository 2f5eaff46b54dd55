"""The trial scheduler and its engines (local processes by default, Dask on request)."""
from automl.scheduler._engine import TrialEngine
from automl.scheduler._local import LocalProcessEngine
from automl.scheduler._scheduler import SchedulerStatus, TrialScheduler

__all__ = ["LocalProcessEngine", "SchedulerStatus", "TrialEngine", "TrialScheduler", "make_engine"]


def make_engine(compute, slots: int, primary_metric: str, n_jobs: int = 1,
                memory_limit_bytes: int | None = None) -> TrialEngine:
    """The engine for ``compute``: ``"local"`` (default) or a Dask address / client."""
    if compute in (None, "local"):
        engine = LocalProcessEngine(slots, primary_metric, n_jobs, memory_limit_bytes)
        engine.warm_up()
        return engine
    from automl.scheduler._dask import DaskEngine

    return DaskEngine(compute, slots, primary_metric, n_jobs)
