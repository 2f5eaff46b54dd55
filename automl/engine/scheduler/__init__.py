"""The trial scheduler and its engines (local processes by default, Dask on request).

:class:`TrialScheduler` runs the trials a proposer gives on a :class:`TrialEngine`
(:func:`make_engine` picks one for ``compute``) until :class:`StopRules` end the search.
"""
from automl.engine.scheduler._compute import (
    MEMORY_LIMIT_VARIABLE,
    cluster_client,
    cluster_for_training,
    connect_cluster,
    make_engine,
    trial_memory_limit,
)
from automl.engine.scheduler._local import LocalProcessEngine
from automl.engine.scheduler._memory_budget import MemoryBudget, memory_growth
from automl.engine.scheduler._scheduler import SchedulerStatus, TrialProposer, TrialScheduler
from automl.engine.scheduler._stopping import StopRules
from automl.engine.scheduler._trial_engine import TrialEngine

__all__ = ["cluster_client", "cluster_for_training", "connect_cluster", "LocalProcessEngine", "MEMORY_LIMIT_VARIABLE", "MemoryBudget", "SchedulerStatus", "StopRules",
           "TrialEngine", "TrialProposer", "TrialScheduler", "make_engine", "memory_growth", "trial_memory_limit"]
