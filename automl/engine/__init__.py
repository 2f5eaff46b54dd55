"""The job engine: one skeleton for every task, the scheduler, the search, the result.

:func:`run_job` runs a job of any task by asking the task registry (:mod:`automl.tasks`)
for everything task-specific; :mod:`~automl.engine.scheduler` runs the trials under the
limits on local processes or a Dask cluster; :mod:`~automl.engine.search` proposes them;
:class:`AutoMLResult` is what a job returns.
"""
from automl.engine._observers import JobObserver, ObserverGroup
from automl.engine._automl_result import AutoMLResult, raw_rows
from automl.engine._checkpoint import EXTEND, RESUME, SUBMIT
from automl.engine._run import STATE_FOLDER, insights_after_the_job, run_job
from automl.engine.state import JobStateFolder, SavedJob

__all__ = ["AutoMLResult", "EXTEND", "JobObserver", "JobStateFolder", "ObserverGroup", "RESUME", "STATE_FOLDER",
           "SUBMIT", "SavedJob", "insights_after_the_job", "raw_rows", "run_job"]
