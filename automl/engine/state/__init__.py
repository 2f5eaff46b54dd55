"""A job's state folder: what lets another process resume or extend it.

:class:`JobStateFolder` writes the job's settings, each finished trial and the search's
position as they happen (write, then rename), and reads them back as a :class:`SavedJob`;
:class:`JobLock` keeps two processes from running one job; :func:`data_fingerprint` tells
whether the data changed between sessions.
"""
from automl.engine.state._fingerprint import data_fingerprint
from automl.engine.state._folder import STATE_FORMAT, JobStateFolder, SavedJob, SearchPosition
from automl.engine.state._lock import JobLock

__all__ = ["STATE_FORMAT", "JobLock", "JobStateFolder", "SavedJob", "SearchPosition", "data_fingerprint"]
