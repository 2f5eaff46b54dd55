"""The two files a batch scoring job leaves beside its output, as Azure's batch endpoints do.

``job_progress_overview.txt`` is rewritten after every mini batch;
``job_error.txt`` lists every file that failed, with why, and is only written
when one did.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

ERROR_FILE = "job_error.txt"
PROGRESS_FILE = "job_progress_overview.txt"


@dataclass
class FileError:
    """A part that could not be scored: which one and why."""

    file: str
    error: str


@dataclass
class Progress:
    """Counters of a batch scoring job (what ``job_progress_overview.txt`` shows)."""

    source: str
    model: str
    mini_batches: int
    files: int
    ignored: list[str] = field(default_factory=list)
    mini_batches_done: int = 0
    files_scored: int = 0
    rows_scored: int = 0
    errors: list[FileError] = field(default_factory=list)
    status: str = "Running"
    seconds: float = 0.0

    def overview(self) -> str:
        """The text of ``job_progress_overview.txt``."""
        lines = [
            f"status: {self.status}",
            f"input: {self.source}",
            f"model: {self.model}",
            f"mini batches: {self.mini_batches_done} of {self.mini_batches} processed",
            f"files: {self.files_scored} scored, {len(self.errors)} failed, {self.files} in total",
            f"rows scored: {self.rows_scored}",
            f"elapsed seconds: {self.seconds:.2f}",
        ]
        if self.errors:
            lines.append(f"failed files (details in {ERROR_FILE}): "
                         + ", ".join(e.file for e in self.errors))
        if self.ignored:
            lines.append(f"ignored (not a data file): {', '.join(self.ignored)}")
        return "\n".join(lines) + "\n"


class JobLogs:
    """Writes the progress and error files into ``folder``.

    Files left by an earlier job in the same folder are removed when the job starts.
    """

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        for name in (ERROR_FILE, PROGRESS_FILE):
            (self.folder / name).unlink(missing_ok=True)

    @property
    def error_path(self) -> Path:
        """Where ``job_error.txt`` goes."""
        return self.folder / ERROR_FILE

    @property
    def progress_path(self) -> Path:
        """Where ``job_progress_overview.txt`` goes."""
        return self.folder / PROGRESS_FILE

    def update(self, progress: Progress) -> None:
        """Rewrite the progress file (and the error file once there are errors)."""
        self.progress_path.write_text(progress.overview(), encoding="utf-8")
        if progress.errors:
            text = "".join(f"{e.file}: {e.error}\n" for e in progress.errors)
            self.error_path.write_text(text, encoding="utf-8")
