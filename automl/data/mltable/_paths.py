"""The ``paths`` of an MLTable: ``file``, ``folder`` and ``pattern`` entries.

Relative entries resolve against the folder of the ``MLTable`` file (or of the
working directory for a table built in memory). Local paths and ``file://``
URLs are read from disk; other URLs through :mod:`._remote`.
"""
from __future__ import annotations

import glob
import gzip
import os
import posixpath
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO

from automl.data.mltable._origin import Origin, format_names
from automl.data.mltable._remote import (
    asset_reference_error,
    filesystem,
    full_url,
    is_asset_reference,
    is_url,
    local_path_of,
)
from automl.errors import DataError, did_you_mean

__all__ = [
    "DataFile",
    "MLTABLE_FILE_NAME",
    "PATH_KINDS",
    "PathEntry",
    "absolute_location",
    "is_data_file_name",
    "list_local_folder",
    "missing_path_problem",
    "resolve_paths",
]

MLTABLE_FILE_NAME = "MLTable"
PATH_KINDS = ("file", "folder", "pattern")
_COMPRESSION = {".gz": "gzip"}


def is_data_file_name(name: str) -> bool:
    """False for hidden (``.x``), bookkeeping (``_SUCCESS``) and ``MLTable`` files."""
    return not name.startswith((".", "_")) and name != MLTABLE_FILE_NAME


@dataclass(frozen=True)
class DataFile:
    """One file to read: a local absolute path, or a URL with its filesystem.

    Attributes
    ----------
    path : str
        What messages and the ``Path`` column show: the absolute local path or the URL.
    fs : object or None
        The fsspec-like filesystem of a remote file; ``None`` for a local one.
    fs_path : str
        The path inside ``fs``.
    """

    path: str
    fs: Any = None
    fs_path: str = ""

    @property
    def name(self) -> str:
        """The file name (last part of the path)."""
        return posixpath.basename(self.path.replace(os.sep, "/"))

    @property
    def compression(self) -> str | None:
        """``"gzip"`` for ``.gz`` files, else ``None``."""
        return _COMPRESSION.get(os.path.splitext(self.name)[1].lower())

    def open(self) -> BinaryIO:
        """A binary stream of the (decompressed) content."""
        if self.fs is not None:
            return self.fs.open(self.fs_path, "rb", compression=self.compression)
        if self.compression == "gzip":
            return gzip.open(self.path, "rb")  # type: ignore[return-value]
        return open(self.path, "rb")

    def read_bytes(self) -> bytes:
        """The whole (decompressed) content."""
        with self.open() as stream:
            return stream.read()

    def arrow_source(self) -> Any:
        """What pyarrow readers take: the local path (they decompress it) or a stream."""
        return self.path if self.fs is None else self.open()


@dataclass(frozen=True)
class PathEntry:
    """One entry of ``paths``: its kind (file, folder, pattern) and value."""

    kind: str
    value: str
    origin: Origin


def absolute_location(value: str, base: str) -> str:
    """Resolve ``value`` against ``base`` (a local folder or a folder URL)."""
    if is_asset_reference(value):
        raise asset_reference_error(value)
    if is_url(value):
        local = local_path_of(value)
        return os.path.abspath(local) if local is not None else value
    value = os.path.expanduser(value)
    if os.path.isabs(value):
        return os.path.normpath(value)
    if is_url(base):
        joined = posixpath.join(base.rstrip("/"), value.replace(os.sep, "/"))
        head, _, tail = joined.partition("://")
        return f"{head}://{posixpath.normpath(tail)}"
    return os.path.normpath(os.path.join(base, value))


def missing_path_problem(path: str) -> str:
    """``'x' does not exist`` plus close names found in its folder."""
    parent, name = os.path.split(path.rstrip(os.sep)) if path else ("", path)
    if parent and not os.path.isdir(parent):
        return f"'{path}' does not exist (there is no folder '{parent}')."
    siblings = sorted(os.listdir(parent or "."))
    message = f"'{path}' does not exist.{did_you_mean(name, siblings)}"
    if siblings:
        message += f" Its folder holds: {format_names(siblings)}."
    return message


def list_local_folder(folder: str) -> list[str]:
    """Every data file under ``folder`` (recursively), sorted, as absolute paths."""
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if is_data_file_name(d))
        found.extend(os.path.join(root, f) for f in files if is_data_file_name(f))
    return sorted(found, key=lambda p: os.path.relpath(p, folder).replace(os.sep, "/"))


def _remote_files(location: str, lister: str, entry: PathEntry) -> list[DataFile]:
    try:
        fs, fs_path = filesystem(location)
        if lister == "file":
            return [DataFile(location, fs, fs_path)]
        listed = fs.find(fs_path) if lister == "folder" else fs.glob(fs_path)
        names = [p for p in sorted(listed) if is_data_file_name(posixpath.basename(p))]
        files = [p for p in names if not fs.isdir(p)]
    except DataError as err:
        raise entry.origin.error(str(err)) from err
    except (OSError, ValueError) as err:
        raise entry.origin.error(f"cannot list '{location}': {err}.") from err
    return [DataFile(full_url(fs, p, location), fs, p) for p in files]


def _resolve_file(location: str, entry: PathEntry) -> list[DataFile]:
    if is_url(location):
        return _remote_files(location, "file", entry)
    if os.path.isdir(location):
        raise entry.origin.error(
            f"'{location}' is a folder, not a file.",
            f"Write it as `folder: {entry.value}` (or use a `pattern:`).",
        )
    if not os.path.isfile(location):
        raise entry.origin.error(
            missing_path_problem(location),
            "Fix the path; relative paths resolve against the folder of the MLTable file.",
        )
    return [DataFile(location)]


def _resolve_folder(location: str, entry: PathEntry) -> list[DataFile]:
    if is_url(location):
        files = _remote_files(location, "folder", entry)
    elif not os.path.isdir(location):
        problem = (
            f"'{location}' is a file, not a folder."
            if os.path.isfile(location)
            else missing_path_problem(location)
        )
        raise entry.origin.error(problem, "Fix the folder path (or use `file:`).")
    else:
        files = [DataFile(p) for p in list_local_folder(location)]
    if not files:
        raise entry.origin.error(
            f"folder '{location}' holds no data file.",
            "Put the data files in it or point the entry at the right folder.",
        )
    return files


def _local_glob(location: str) -> list[str]:
    hits = glob.glob(location, recursive=True)
    return sorted(p for p in hits if os.path.isfile(p) and is_data_file_name(os.path.basename(p)))


def _resolve_pattern(location: str, entry: PathEntry) -> list[DataFile]:
    if is_url(location):
        files = _remote_files(location, "pattern", entry)
    else:
        files = [DataFile(p) for p in _local_glob(location)]
    if not files:
        raise entry.origin.error(
            f"pattern '{entry.value}' ({location}) matches no file.",
            "Check the pattern: globs are *, ** (any folders), ? and [abc], and a "
            "relative pattern resolves against the folder of the MLTable file.",
        )
    return files


_RESOLVERS: dict[str, Callable[[str, PathEntry], list[DataFile]]] = {
    "file": _resolve_file,
    "folder": _resolve_folder,
    "pattern": _resolve_pattern,
}


def resolve_paths(entries: Sequence[PathEntry], base: str) -> list[DataFile]:
    """Every file the ``paths`` entries name, in the order written.

    Raises
    ------
    DataError
        For an entry that names a missing file or folder, or a pattern that
        matches nothing; the message names the entry's key and line.
    """
    files: list[DataFile] = []
    for entry in entries:
        try:
            location = absolute_location(entry.value, base)
        except DataError as err:  # an azureml:name:version reference
            raise entry.origin.error(str(err)) from err
        files.extend(_RESOLVERS[entry.kind](location, entry))
    return files
