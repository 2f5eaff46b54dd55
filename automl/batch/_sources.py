"""What is scored: the files of a folder, one file, or an MLTable, cut into mini batches.

A folder is scored file by file, ``mini_batch_size`` files per mini batch
(Azure's batch endpoints count files too). Only files with a supported
extension are read; the others are listed as ignored. An MLTable is read whole
(its transformations apply across its files) and cut into mini batches of
:data:`MLTABLE_ROWS_PER_FILE` rows per "file"; scored on a cluster (``per_file``), it is
read a file at a time where each mini batch is scored, its transformations applied per file
(:func:`automl.data.file_readers`), and ``file`` names the MLTable's file.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from automl.data import SUPPORTED_SUFFIXES, Input, file_readers, load_data
from automl.errors import ConfigError, DataError

__all__ = ["BatchSource", "Part", "plan_source"]

MLTABLE_FILE = "MLTable"
#: Rows of an MLTable scored as one unit (it counts as one file of a mini batch).
MLTABLE_ROWS_PER_FILE = 100_000
#: Column an MLTable with ``include_path_column: true`` holds its files' paths in.
PATH_COLUMN = "Path"


@dataclass
class Part:
    """One unit of scoring: a file (or a slice of rows of an MLTable).

    Attributes
    ----------
    name : str
        What the output's ``file`` column shows: the path relative to the input folder.
    read : callable
        Returns the rows as a DataFrame (raises for a file that cannot be read).
    first_row : int
        Row number of the first row (0 for a file; the slice start of an MLTable).
    """

    name: str
    read: Callable[[], pd.DataFrame]
    first_row: int = 0


@dataclass
class BatchSource:
    """The parts of an input, and the files that were left out."""

    description: str
    parts: list[Part]
    ignored: list[str] = field(default_factory=list)

    def mini_batches(self, size: int) -> list[list[Part]]:
        """The parts, ``size`` per mini batch, in order."""
        return [self.parts[i:i + size] for i in range(0, len(self.parts), size)]


def _is_data_file(name: str) -> bool:
    return name.lower().endswith(SUPPORTED_SUFFIXES)


def _read_file(path: Path) -> Callable[[], pd.DataFrame]:
    return lambda: load_data(Input(type="uri_file", path=str(path)), setting="input", allow_no_rows=True)


def _folder(folder: Path) -> BatchSource:
    parts, ignored = [], []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")))
        for name in sorted(files):
            if name.startswith((".", "_")):
                continue
            path = Path(root) / name
            relative = path.relative_to(folder).as_posix()
            (parts.append(Part(relative, _read_file(path))) if _is_data_file(name)
             else ignored.append(relative))
    parts.sort(key=lambda p: p.name)
    if not parts:
        raise DataError(f"--input folder '{folder}' holds no data file ({', '.join(SUPPORTED_SUFFIXES)})"
                        f"{'; it holds ' + ', '.join(ignored[:5]) if ignored else ''}.")
    return BatchSource(f"folder {folder} ({len(parts)} files)", parts, sorted(ignored))


def _mltable(folder: Path) -> BatchSource:
    from automl.data import load_mltable

    table = load_mltable(str(folder))
    name = folder.name or str(folder)
    if PATH_COLUMN in table.columns:
        return _by_path_column(table, folder)
    parts = [Part(name, _slice(table, start), start)
             for start in range(0, max(len(table), 1), MLTABLE_ROWS_PER_FILE)]
    return BatchSource(f"MLTable {folder} ({len(table):,} rows)", parts)


def _slice(table: pd.DataFrame, start: int) -> Callable[[], pd.DataFrame]:
    return lambda: table.iloc[start:start + MLTABLE_ROWS_PER_FILE].reset_index(drop=True)


def _by_path_column(table: pd.DataFrame, folder: Path) -> BatchSource:
    """One part per file of an MLTable that records each row's file (``include_path_column``)."""
    parts = []
    for path, rows in table.groupby(PATH_COLUMN, sort=True):
        rows = rows.drop(columns=PATH_COLUMN).reset_index(drop=True)
        parts.append(Part(str(path), (lambda frame=rows: frame)))
    return BatchSource(f"MLTable {folder} ({len(table):,} rows, {len(parts)} files)", parts)


def _mltable_files(folder: Path) -> BatchSource:
    """One part per file of an MLTable, read (and transformed) where the part is scored."""
    try:
        readers = file_readers(str(folder), setting="--input")
    except DataError as err:
        raise DataError(f"--input MLTable {folder}: {err}") from None
    parts = [Part(_relative(file, folder), read) for file, read in readers]
    return BatchSource(f"MLTable {folder} ({len(parts)} files, read where they are scored)", parts)


def _relative(file: str, folder: Path) -> str:
    try:
        return Path(file).relative_to(folder.resolve()).as_posix()
    except ValueError:  # a URL, or a file outside the folder
        return file


def plan_source(path: str | os.PathLike, *, per_file: bool = False) -> BatchSource:
    """The parts of ``--input``: a folder of files, one file, or an MLTable folder/file; with
    ``per_file``, an MLTable's files are parts of their own, read where they are scored.

    Raises
    ------
    ConfigError
        The path does not exist or is not a data file.
    """
    path = Path(path)
    if not path.exists():
        raise ConfigError(f"--input '{path}' does not exist; give a file, a folder of files or an "
                          "MLTable folder.")
    if path.is_dir():
        if (path / MLTABLE_FILE).is_file():
            return _mltable_files(path) if per_file else _mltable(path)
        return _folder(path)
    if path.name == MLTABLE_FILE:
        return _mltable_files(path.parent) if per_file else _mltable(path.parent)
    if not _is_data_file(path.name):
        raise ConfigError(f"--input '{path}' is not a data file; supported: {', '.join(SUPPORTED_SUFFIXES)}.")
    return BatchSource(f"file {path}", [Part(path.name, _read_file(path))])
