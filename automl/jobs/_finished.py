"""A finished job read back from its output folder: :func:`load_result` and :func:`job_insights`.

A job saves its result in its state folder when a session ends (``<output folder>/state/result.pkl``),
so that another process, days later, can look at it again: compute its responsible-AI insights
with more time than the job had, for other sensitive columns, or on newly labelled rows
(``automl report JOB --insights``).
"""
from __future__ import annotations

import math
import os
from collections.abc import Sequence

import pandas as pd

from automl.data import load_data
from automl.engine import AutoMLResult, JobStateFolder, insights_after_the_job
from automl.errors import ConfigError
from automl.jobs._continue import load_saved_job

__all__ = ["job_insights", "load_result"]

#: Seconds the insights of a finished job may take unless told otherwise.
INSIGHT_SECONDS = 120.0


def load_result(job_name: str, output_dir: str | os.PathLike | None = None) -> AutoMLResult:
    """The result of job ``job_name``'s last finished session, as ``submit()`` returned it.

    Parameters
    ----------
    job_name : str
        The job's name (``job.name``; the CLI prints it).
    output_dir : path, optional
        The job's output folder, when it was given one (``output_dir=``, ``--output-dir``).

    Raises
    ------
    ConfigError
        An unknown job, a state folder of another version, or a job with no saved result (it has
        not finished).
    """
    saved = load_saved_job(job_name, output_dir)
    return JobStateFolder(saved.folder).load_result()


def job_insights(job_name: str, *, data: pd.DataFrame | str | os.PathLike | None = None,
                 sensitive_features: Sequence[str] | None = None, immutable_features: Sequence[str] | None = None,
                 max_seconds: float = INSIGHT_SECONDS, output_dir: str | os.PathLike | None = None) -> AutoMLResult:
    """The finished job ``job_name``'s result with its responsible-AI insights computed again, now.

    Parameters
    ----------
    job_name : str
        The job's name.
    data : DataFrame or path, optional
        Labelled rows (with the target column) to analyse. Default: the job's own rows, read again
        from where the job read them: its test data, else its best trial's out-of-fold validation
        predictions (never rows the model was refit on).
    sensitive_features, immutable_features : list of str, optional
        Columns whose groups the fairness table compares, and columns a counterfactual never changes
        (default: the job's ``set_insights`` settings).
    max_seconds : float, default=120
        Time the insights may take; what does not fit is skipped with a note.
    output_dir : path, optional
        The job's output folder, when it was given one.

    Returns
    -------
    AutoMLResult
        The job's result with :attr:`~automl.engine.AutoMLResult.insights` set; ``save_report``
        writes a report that shows them.

    Raises
    ------
    ConfigError
        An unknown job or one that has not finished, a column not in the rows, or ``max_seconds``
        not a positive number.
    DataError
        Unreadable ``data``, rows without the target column, or (without ``data``) job data that
        changed since the job ran.
    """
    if isinstance(max_seconds, bool) or not isinstance(max_seconds, (int, float)) or not (
            math.isfinite(max_seconds) and max_seconds > 0):
        raise ConfigError(f"max_seconds must be a positive number of seconds; got {max_seconds!r}.")
    saved = load_saved_job(job_name, output_dir)
    result = JobStateFolder(saved.folder).load_result()
    job = saved.job
    job.set_insights(sensitive_features=sensitive_features, immutable_features=immutable_features)
    if data is None:
        result.insights = insights_after_the_job(saved, result, float(max_seconds))
        return result
    frame = load_data(data, setting="data")
    unknown = [c for c in job.insights.columns() if c not in frame.columns]
    if unknown:
        raise ConfigError(f"column {unknown[0]!r} (sensitive_features or immutable_features) is not in the data "
                          f"given; its columns: {', '.join(map(str, list(frame.columns)[:30]))}.")
    result.compute_insights(frame, sensitive_features=job.insights.sensitive_features or [],
                            immutable_features=job.insights.immutable_features or [], max_seconds=float(max_seconds))
    return result
