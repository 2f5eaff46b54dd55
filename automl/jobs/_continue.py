"""``automl.resume`` and ``automl.extend``: continue a job from its state folder in another process.

A job writes its settings, each finished trial and its search's position to
``<output folder>/state`` as it runs (:mod:`automl.engine.state`). ``resume`` continues a job that
was interrupted (killed, canceled, or failed after its search) within its own limits; ``extend``
gives a finished job more time and trials. Neither trains a finished trial again.
"""
from __future__ import annotations

import os
import time
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from automl.engine import EXTEND, RESUME, STATE_FOLDER, AutoMLResult, JobStateFolder, SavedJob, run_job
from automl.errors import ConfigError
from automl.jobs._default_observers import default_observers
from automl.jobs._job import _NAME_PATTERN, _check_compute
from automl.jobs._names import outputs_root
from automl.tasks import get_task

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["extend", "extendable_job", "load_saved_job", "resumable_job", "resume", "run_saved"]

#: Status of a job whose last session did not end (killed while it ran, or running now).
_INTERRUPTED = "Running"


def _folder(job_name: str, output_dir: str | os.PathLike | None) -> Path:
    if not isinstance(job_name, str) or not _NAME_PATTERN.match(job_name):  # a name, never a path elsewhere
        raise ConfigError(f"{job_name!r} is not a job name: names hold only letters, digits, '_' and '-'.")
    return (Path(output_dir) if output_dir is not None else outputs_root() / job_name).absolute()


def load_saved_job(job_name: str, output_dir: str | os.PathLike | None = None) -> SavedJob:
    """The saved state of job ``job_name`` (in ``output_dir``, else ``<outputs root>/<job_name>``).

    Trial files that could not be read (a write cut short) are dropped with a warning: those
    trials are trained again.

    Raises
    ------
    ConfigError
        No job of that name has a state folder there, or it was written by another version.
    """
    folder = JobStateFolder(_folder(job_name, output_dir) / STATE_FOLDER)
    if not folder.exists():
        root = folder.folder.parent.parent
        known = sorted(p.parent.parent.name for p in root.glob(f"*/{STATE_FOLDER}/manifest.json"))
        listing = f"jobs there: {', '.join(known[:20])}" if known else "no job has a state folder there"
        raise ConfigError(f"unknown job {job_name!r}: no state folder {folder.folder} ({listing}). Give the job's "
                          "name as it was submitted, and output_dir (--output-dir) if the job was given one.")
    saved = folder.load()
    if saved.dropped:
        warnings.warn(f"job {job_name!r}: the state folder was half written; dropped {', '.join(saved.dropped)}. "
                      f"The job continues from its {len(saved.trials)} complete trial(s); those dropped are trained "
                      "again.", UserWarning, stacklevel=3)
    return saved


def run_saved(saved: SavedJob, kind: str, *, compute: str | Client | None = None, show_progress: bool = True,
              output_dir: str | os.PathLike | None = None, tracking_uri: str | None = None) -> AutoMLResult:
    """Run another session (``kind``: "resume" or "extend") of the job ``saved`` (from
    :func:`resumable_job` or :func:`extendable_job`); ``saved.job.cancel()`` stops it."""
    started = time.monotonic()  # the time limit counts from the call
    job = saved.job
    if output_dir is not None:
        job.output_dir = Path(output_dir)
    if tracking_uri is not None:
        job.tracking_uri = tracking_uri
    job.validate()
    target = _check_compute(compute) if compute is not None else job.compute
    return run_job(job, default_observers(job, show_progress), compute=target, cancel_event=job._cancel_event,
                   saved=saved, kind=kind, started=started)


def resume(job_name: str, *, output_dir: str | os.PathLike | None = None, compute: str | Client | None = None,
           show_progress: bool = True, tracking_uri: str | None = None) -> AutoMLResult:
    """Continue job ``job_name`` where it was interrupted (killed, canceled, or failed after its search).

    Its finished trials are kept, not trained again; the trials that were running start again; the
    search goes on from its recorded position; ``max_trials`` and ``timeout_minutes`` count both
    sessions (the time spent, not the time between them). The MLflow parent run is reopened.

    Parameters
    ----------
    job_name : str
        The job's name (``job.name``; the CLI prints it).
    output_dir : path, optional
        The job's output folder, when it was given one (``output_dir=``, ``--output-dir``).
    compute : str or distributed.Client, optional
        Where the trials run (default: the job's).
    show_progress : bool
        Print the trials and a status line on stderr.
    tracking_uri : str, optional
        The MLflow store, given again when the job's URI held a password: the state folder keeps
        it without (``http://user@host``). ``MLFLOW_TRACKING_USERNAME`` and ``MLFLOW_TRACKING_PASSWORD``
        do the same.

    Returns
    -------
    AutoMLResult
        The whole job's result: the trials of both sessions.

    Raises
    ------
    ConfigError
        An unknown job, a state folder of another version, a job that completed (extend it
        instead), or one that another process is running.
    DataError
        The job's data changed since its first session.
    """
    return run_saved(resumable_job(job_name, output_dir), RESUME, compute=compute, show_progress=show_progress,
                     output_dir=output_dir, tracking_uri=tracking_uri)


def resumable_job(job_name: str, output_dir: str | os.PathLike | None = None) -> SavedJob:
    """The saved job ``job_name``, checked that it can be resumed (:func:`resume`)."""
    saved = load_saved_job(job_name, output_dir)
    if saved.status == "Completed":
        raise ConfigError(f"job {job_name!r} completed ({saved.manifest.get('stop_reason')}); there is nothing to "
                          f"resume. Give it more budget with automl.extend({job_name!r}, timeout_minutes=...) or "
                          f"`automl train --extend {job_name} --timeout-minutes N`.")
    return saved


def extend(job_name: str, *, timeout_minutes: float | None = None, max_trials: int | None = None,
           output_dir: str | os.PathLike | None = None, compute: str | Client | None = None,
           show_progress: bool = True, tracking_uri: str | None = None) -> AutoMLResult:
    """Give the finished job ``job_name`` more budget: up to ``max_trials`` more trials in up to
    ``timeout_minutes`` more minutes (AutoGluon's ``fit_extra``).

    The new trials join the leaderboard, the ensembles are built again from all trials, and the
    result's :attr:`~automl.engine.AutoMLResult.improved` says whether the best model is better
    than the earlier one (``automl train --extend --register-model`` registers it only then).

    Parameters
    ----------
    job_name : str
        The job's name.
    timeout_minutes : float, optional
        Minutes this session may take (default: the job's ``timeout_minutes``).
    max_trials : int, optional
        Trials to add (default: the job's ``max_trials``); the ensembles come on top, as before.
    output_dir, compute, show_progress, tracking_uri
        As in :func:`resume`.

    Raises
    ------
    ConfigError
        An unknown job, a state folder of another version, a job that was interrupted (resume it
        first), one that another process is running, or limits out of range.
    DataError
        The job's data changed since its first session.
    """
    return run_saved(extendable_job(job_name, timeout_minutes, max_trials, output_dir), EXTEND, compute=compute,
                     show_progress=show_progress, output_dir=output_dir, tracking_uri=tracking_uri)


def extendable_job(job_name: str, timeout_minutes: float | None = None, max_trials: int | None = None,
                   output_dir: str | os.PathLike | None = None) -> SavedJob:
    """The saved job ``job_name``, checked that it can be extended, with the limits of the new session
    (:func:`extend`)."""
    saved = load_saved_job(job_name, output_dir)
    if saved.status == _INTERRUPTED:
        raise ConfigError(f"job {job_name!r} did not finish (it was interrupted, or is running); resume it first "
                          f"with automl.resume({job_name!r}) or `automl train --resume {job_name}`.")
    job = saved.job
    searched = len(saved.trials)
    added = max_trials if max_trials is not None else job.limits.max_trials
    if isinstance(added, bool) or not isinstance(added, int) or added < 1:
        raise ConfigError(f"max_trials must be a whole number of trials to add, at least 1; got {max_trials!r}.")
    ensembles = len(get_task(job.task).planned_ensembles(job.training, searched + added + 99))
    job.set_limits(timeout_minutes=timeout_minutes, max_trials=searched + added + ensembles)
    return saved
