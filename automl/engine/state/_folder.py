"""The files of a job's state folder, written as the job runs and read back to continue it.

Layout (``<output_dir>/state``)::

    manifest.json     format, automl-studio version, job name and task, status, data fingerprint,
                      the sessions so far, the next free iteration, the best trial
    job.pkl           the job object: its settings and its data arguments
    search.json       the search's position: portfolio entries proposed, seed variants, trials
                      running, seconds spent
    trials/00012.pkl  one finished trial each (its configuration, scores, out-of-fold predictions)
    result.pkl        the result of the last session that ended (its best model, leaderboard,
                      metrics): what ``automl report --insights`` reads after the job
    job.lock          the process running the job (:mod:`automl.engine.state._lock`)

Every file is written to a temporary name, then renamed over the old one: a process killed in the
middle of a write leaves the previous version, never half of a new one.
"""
from __future__ import annotations

import json
import logging
import os
import pickle
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Callable

from automl._version import __version__
from automl.core import TrialResult
from automl.errors import ConfigError

if TYPE_CHECKING:
    from automl.engine import AutoMLResult
    from automl.jobs import AutoMLJob

__all__ = ["STATE_FORMAT", "JobStateFolder", "SavedJob", "SearchPosition"]

logger = logging.getLogger("automl")

#: The layout's version; a folder of another format or automl-studio version is refused.
STATE_FORMAT = 1
MANIFEST, JOB, SEARCH, TRIALS, RESULT = "manifest.json", "job.pkl", "search.json", "trials", "result.pkl"
#: Status of a job whose process is running it, or was killed while it ran.
RUNNING = "Running"


def _write_atomic(path: Path, data: bytes | Callable[[BinaryIO], None]) -> None:
    """Write ``data`` (bytes, or a function writing to a file) to ``path`` through a temporary file
    renamed over it."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as handle:
            if callable(data):
                data(handle)
            else:
                handle.write(data)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _pickled(value: Any) -> Callable[[BinaryIO], None]:
    """Pickle ``value`` straight into the file: a job's DataFrame is not copied into memory first."""
    return lambda handle: pickle.dump(value, handle, protocol=5)


@dataclass
class SearchPosition:
    """Where the search was at the last write: enough to continue it in another process.

    Attributes
    ----------
    consumed : int
        Portfolio entries proposed (the queue resumes after them).
    variants : list of int
        Iterations that were seed variants of the best configurations.
    search_ended : str or None
        Why the search ended early, when variants followed.
    running : list of dict
        Trials running at the write: ``iteration``, ``algorithm``, ``params``; started again on resume.
    spent_seconds : float
        Seconds the job had spent (both sessions' time, the gap between them left out).
    """

    consumed: int = 0
    variants: list[int] = field(default_factory=list)
    search_ended: str | None = None
    running: list[dict[str, Any]] = field(default_factory=list)
    spent_seconds: float = 0.0


@dataclass
class SavedJob:
    """A job read back from its state folder (:meth:`JobStateFolder.load`)."""

    folder: Path
    job: AutoMLJob
    manifest: dict[str, Any]
    trials: list[TrialResult]
    position: SearchPosition
    dropped: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        """``Running`` (killed while it ran), ``Completed``, ``Canceled`` or ``Failed``."""
        return self.manifest["status"]

    @property
    def fingerprint(self) -> str:
        return self.manifest["fingerprint"]

    @property
    def next_iteration(self) -> int:
        """The first iteration number no session has used (ensembles included)."""
        used = [t.iteration for t in self.trials] + [int(r["iteration"]) for r in self.position.running]
        return max([self.manifest.get("next_iteration", 0), *(i + 1 for i in used)])

    @property
    def sessions(self) -> list[dict[str, Any]]:
        return list(self.manifest.get("sessions", []))

    @property
    def pending(self) -> list[dict[str, Any]]:
        """The trials running when the state was last written that have not finished since."""
        done = {t.iteration for t in self.trials}
        return [r for r in self.position.running if int(r["iteration"]) not in done]


class JobStateFolder:
    """Reads and writes the state folder ``folder`` of one job.

    A write that fails (a full disk, a setting that cannot be pickled) is logged and turns the writing off for the rest of the
    session: the job itself goes on; it only cannot be resumed past that point.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.enabled = True
        self._manifest: dict[str, Any] = {}

    @property
    def trials_folder(self) -> Path:
        return self.folder / TRIALS

    @property
    def sessions(self) -> list[dict[str, Any]]:
        """The job's sessions so far (``kind``, ``started_at``, ``ended_at``: epoch seconds), this one last."""
        return [dict(s) for s in self._manifest.get("sessions", [])]

    def exists(self) -> bool:
        """Whether a job's state is here."""
        return (self.folder / MANIFEST).is_file()

    # -- writing ---------------------------------------------------------------------------
    def _guarded(self, what: str, write: Any) -> None:
        if not self.enabled:
            return
        try:
            write()
        except Exception as exc:  # a full disk, an unpicklable setting: the job goes on, not resumable from here
            self.enabled = False
            logger.warning("could not write the job's state (%s) to %s: %s: %s; the job goes on, but cannot be "
                           "resumed past this point", what, self.folder, type(exc).__name__, exc)

    def _write_manifest(self) -> None:
        _write_atomic(self.folder / MANIFEST, json.dumps(self._manifest, indent=1).encode())

    def start(self, job: AutoMLJob, fingerprint: str) -> None:
        """A new job: replace whatever state a former job of this name left, and write the settings."""
        def write() -> None:
            if self.trials_folder.exists():
                shutil.rmtree(self.trials_folder)
            self.trials_folder.mkdir(parents=True)
            _write_atomic(self.folder / JOB, _pickled(job))
            (self.folder / SEARCH).unlink(missing_ok=True)
            self._manifest = {"format": STATE_FORMAT, "automl_version": __version__, "job_name": job.name,
                              "task": job.task, "status": RUNNING, "fingerprint": fingerprint,
                              "next_iteration": 0, "best": None, "stop_reason": None, "sessions": []}
            self._begin_session("submit")
        self._guarded("settings", write)

    def continue_job(self, saved: SavedJob, kind: str, job: AutoMLJob) -> None:
        """Another session of ``saved`` (``kind``: resume or extend), with ``job``'s settings now."""
        def write() -> None:
            _write_atomic(self.folder / JOB, _pickled(job))
            self._manifest = dict(saved.manifest)
            self._manifest.update(status=RUNNING, next_iteration=saved.next_iteration)
            self._begin_session(kind)
        self._guarded("settings", write)

    def _begin_session(self, kind: str) -> None:
        self._manifest["sessions"].append({"kind": kind, "started_at": time.time(), "ended_at": None,
                                           "pid": os.getpid()})
        self._write_manifest()

    def save_position(self, position: SearchPosition) -> None:
        """Write the search's position (after each trial starts or ends, and now and then while they run)."""
        self._guarded("search position",
                      lambda: _write_atomic(self.folder / SEARCH, json.dumps(asdict(position)).encode()))

    def save_trial(self, result: TrialResult, position: SearchPosition) -> None:
        """Write a finished trial, then the position that no longer counts it as running."""
        path = self.trials_folder / f"{result.iteration:05d}.pkl"
        self._guarded(f"trial {result.name}", lambda: _write_atomic(path, _pickled(result)))
        self.save_position(position)

    def finish(self, status: str, stop_reason: str, next_iteration: int, best: TrialResult | None,
               result: AutoMLResult | None = None) -> None:
        """The session ended: its status, why, the next free iteration and the best trial; then its
        ``result`` (a result that cannot be pickled only leaves no ``result.pkl``)."""
        def write() -> None:
            self._manifest.update(status=status, stop_reason=stop_reason, next_iteration=next_iteration,
                                  best=None if best is None else {"name": best.name, "score": best.score})
            self._manifest["sessions"][-1]["ended_at"] = time.time()
            (self.folder / RESULT).unlink(missing_ok=True)  # never the result of an earlier session
            self._write_manifest()
        self._guarded("end of the session", write)
        if result is not None:
            self._guarded("result", lambda: _write_atomic(self.folder / RESULT, _pickled(result)))

    # -- reading ---------------------------------------------------------------------------
    def load(self) -> SavedJob:
        """The saved job; a trial file that cannot be read is dropped (``SavedJob.dropped``).

        Raises
        ------
        ConfigError
            No state here, or one of another format or automl-studio version, or settings that
            cannot be read.
        """
        try:
            manifest = json.loads((self.folder / MANIFEST).read_text())
        except (OSError, ValueError) as exc:
            raise ConfigError(f"no readable job state in {self.folder} ({type(exc).__name__}: {exc}).") from None
        written_by = (manifest.get("format"), manifest.get("automl_version"))
        if written_by != (STATE_FORMAT, __version__):
            raise ConfigError(
                f"the job state in {self.folder} was written by automl-studio {written_by[1]} (state format "
                f"{written_by[0]}); this is automl-studio {__version__} (format {STATE_FORMAT}). Resume it with "
                "the version that wrote it, or run the job anew.")
        try:
            job = pickle.loads((self.folder / JOB).read_bytes())
        except Exception as exc:  # any unpickling failure means the same: these settings are lost
            raise ConfigError(f"the settings of the job in {self.folder} cannot be read ({type(exc).__name__}: "
                              f"{exc}); run the job anew.") from None
        trials, dropped = self._load_trials()
        try:
            position = SearchPosition(**json.loads((self.folder / SEARCH).read_text()))
        except FileNotFoundError:
            position = SearchPosition()
        except (OSError, ValueError, TypeError) as exc:
            raise ConfigError(f"the search position {self.folder / SEARCH} cannot be read ({exc}); run the job "
                              "anew.") from None
        return SavedJob(self.folder, job, manifest, trials, position, dropped)

    def load_result(self) -> AutoMLResult:
        """The result of the job's last finished session.

        Raises
        ------
        ConfigError
            The folder holds no result (the job did not finish, or its result could not be written),
            or one that cannot be read.
        """
        path = self.folder / RESULT
        if not path.is_file():
            raise ConfigError(f"the job in {self.folder} has no saved result ({RESULT}): it has not finished (resume "
                              "it), or its result could not be written (run it again).")
        try:
            return pickle.loads(path.read_bytes())
        except Exception as exc:  # any unpickling failure means the same: this result is lost
            raise ConfigError(f"the saved result {path} cannot be read ({type(exc).__name__}: {exc}); run the job "
                              "again.") from None

    def _load_trials(self) -> tuple[list[TrialResult], list[str]]:
        trials, dropped = [], []
        for path in sorted(self.trials_folder.glob("*.pkl")):
            try:
                trial = pickle.loads(path.read_bytes())
            except Exception as exc:  # a damaged file: the trial is trained again
                dropped.append(f"{path.name} ({type(exc).__name__}: {exc})")
                continue
            if isinstance(trial, TrialResult):
                trials.append(trial)
            else:
                dropped.append(f"{path.name} (not a trial)")
        dropped += [f"{p.name} (an unfinished write)" for p in self.trials_folder.glob(".*.tmp")]
        return sorted(trials, key=lambda t: t.iteration), dropped
