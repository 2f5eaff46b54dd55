"""The job engine: one skeleton for every task, the scheduler, the search, the result.

:func:`run_job` runs a job of any task by asking the task registry (:mod:`automl.tasks`)
for everything task-specific; :mod:`~automl.engine.scheduler` runs the trials under the
limits on local processes or a Dask cluster; :mod:`~automl.engine.search` proposes them;
:class:`AutoMLResult` is what a job returns.
"""
from automl.engine._observers import JobObserver, ObserverGroup
from automl.engine._automl_result import AutoMLResult, raw_rows
from automl.engine._run import run_job

__all__ = ["AutoMLResult", "JobObserver", "ObserverGroup", "raw_rows", "run_job"]
