"""Building MLTables in code (``from_*_files``) and writing them (``save``)."""
from __future__ import annotations

import copy
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from automl.data.mltable._paths import MLTABLE_FILE_NAME, absolute_location
from automl.data.mltable._remote import is_url
from automl.data.mltable._spec import SCHEMA_URL, Spec, parse_document
from automl.errors import ConfigError

__all__ = ["document_of", "path_entries", "spec_from", "write_spec"]

PathsLike = str | os.PathLike | dict | Iterable[str | os.PathLike | dict]
_GLOB_CHARS = frozenset("*?[")


def _entry(path: str) -> dict[str, str]:
    """``{kind: path}``: a pattern when it has glob characters, else a folder or a file."""
    if _GLOB_CHARS & set(path):
        return {"pattern": path}
    if path.endswith(("/", os.sep)) or (not is_url(path) and os.path.isdir(path)):
        return {"folder": path}
    return {"file": path}


def path_entries(paths: PathsLike) -> list[dict[str, str]]:
    """Normalise the ``paths`` argument of ``from_*_files`` to MLTable entries.

    Accepts a path, a ``{"file" | "folder" | "pattern": path}`` mapping, or a
    list of either.
    """
    items = [paths] if isinstance(paths, (str, os.PathLike, dict)) else list(paths)
    entries = []
    for item in items:
        if isinstance(item, dict):
            entries.append({str(k): os.fspath(v) for k, v in item.items()})
        elif isinstance(item, (str, os.PathLike)):
            entries.append(_entry(os.fspath(item)))
        else:
            raise ConfigError(
                f"paths: expected a path, a {{'file' | 'folder' | 'pattern': path}} mapping "
                f"or a list of them, got {item!r}."
            )
    if not entries:
        raise ConfigError("paths: give at least one file, folder or pattern.")
    return entries


def spec_from(paths: PathsLike, reader: str, options: dict[str, Any]) -> Spec:
    """The spec of a new in-memory MLTable (relative paths against the working directory)."""
    document = {"paths": path_entries(paths), "transformations": [{reader: options}]}
    return parse_document(document, file=None, base=os.getcwd())


def _rebase(value: str, old_base: str, new_folder: str) -> str:
    """``value`` rewritten so that it names the same file relative to ``new_folder``."""
    if is_url(value) or os.path.isabs(os.path.expanduser(value)):
        return value
    location = absolute_location(value, old_base)
    if is_url(location):
        return location
    try:
        relative = os.path.relpath(location, new_folder)
    except ValueError:  # another drive on Windows
        return location
    relative = relative.replace(os.sep, "/")
    return relative if relative.startswith("..") else f"./{relative}"


def document_of(spec: Spec, new_folder: str | None = None) -> dict[str, Any]:
    """The YAML document of ``spec``; with ``new_folder``, relative paths are rebased."""
    paths = []
    for entry in spec.paths:
        value = entry.value if new_folder is None else _rebase(entry.value, spec.base, new_folder)
        paths.append({entry.kind: value})
    document: dict[str, Any] = {"$schema": SCHEMA_URL, "type": "mltable"}
    document.update(copy.deepcopy(spec.extra))
    document["paths"] = paths
    steps = [{step.name: copy.deepcopy(step.raw)} for step in spec.steps]
    if steps:
        document["transformations"] = steps
    return document


def to_yaml(document: dict[str, Any]) -> str:
    """YAML text of an MLTable document, keys in the order given."""
    return yaml.safe_dump(document, sort_keys=False, default_flow_style=False, allow_unicode=True)


def write_spec(spec: Spec, folder: str | os.PathLike, *, overwrite: bool = True) -> Path:
    """Write ``folder/MLTable`` for ``spec`` and return its path.

    Relative paths are rewritten so they still name the same files from ``folder``.

    Raises
    ------
    FileExistsError
        When the file exists and ``overwrite`` is false.
    """
    folder = os.path.abspath(os.fspath(folder))
    os.makedirs(folder, exist_ok=True)
    target = Path(folder) / MLTABLE_FILE_NAME
    if target.exists() and not overwrite:
        raise FileExistsError(f"'{target}' exists; pass overwrite=True to replace it.")
    target.write_text(to_yaml(document_of(spec, folder)), encoding="utf-8")
    return target
