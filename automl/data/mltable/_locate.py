"""Finding and reading the ``MLTable`` file of a folder (local or remote)."""
from __future__ import annotations

import os
import posixpath

from automl.data.mltable._origin import format_names
from automl.data.mltable._paths import MLTABLE_FILE_NAME, missing_path_problem
from automl.data.mltable._remote import (
    asset_reference_error,
    filesystem,
    is_asset_reference,
    is_url,
    local_path_of,
)
from automl.data.mltable._spec import Spec, parse_document, read_yaml
from automl.errors import DataError, did_you_mean

__all__ = ["load_spec", "locate"]

_CREATE_HINT = (
    "Create a YAML file named exactly `MLTable` (no extension) in the folder, listing "
    "`paths` and a read transformation; `automl.data.from_delimited_files(paths).save(folder)` "
    "writes one. Plain data files can be loaded with `automl.data.load_data(folder)`."
)


def _locate_local(path: str) -> str:
    if os.path.isfile(path):
        return os.path.abspath(path)
    if not os.path.isdir(path):
        raise DataError(f"MLTable: {missing_path_problem(os.path.abspath(path))}")
    file = os.path.join(os.path.abspath(path), MLTABLE_FILE_NAME)
    if not os.path.isfile(file):
        found = sorted(os.listdir(path))
        raise DataError(
            f"no `{MLTABLE_FILE_NAME}` file in folder '{os.path.abspath(path)}' "
            f"(it holds: {format_names(found) or 'nothing'})."
            f"{did_you_mean(MLTABLE_FILE_NAME, found)} "
            + _CREATE_HINT
        )
    return file


def locate(path: str | os.PathLike) -> str:
    """The ``MLTable`` file for ``path``: a folder holding one, or the file itself."""
    path = os.fspath(path)
    if is_asset_reference(path):
        raise asset_reference_error(path)
    if is_url(path):
        local = local_path_of(path)
        if local is None:
            name = posixpath.basename(path.rstrip("/"))
            return path if name == MLTABLE_FILE_NAME else f"{path.rstrip('/')}/{MLTABLE_FILE_NAME}"
        path = local
    return _locate_local(path)


def _read_text(file: str) -> str:
    try:
        if is_url(file):
            fs, fs_path = filesystem(file)
            with fs.open(fs_path, "rb") as stream:
                return stream.read().decode("utf-8-sig")
        with open(file, encoding="utf-8-sig") as stream:
            return stream.read()
    except UnicodeDecodeError as err:
        raise DataError(
            f"MLTable file '{file}' is not UTF-8 text (byte offset {err.start}). "
            "Save it as UTF-8 YAML."
        ) from None
    except FileNotFoundError:
        raise DataError(f"no `{MLTABLE_FILE_NAME}` file at '{file}'. " + _CREATE_HINT) from None
    except OSError as err:
        raise DataError(f"cannot read MLTable file '{file}': {err}.") from None


def load_spec(path: str | os.PathLike) -> Spec:
    """Read and check the MLTable at ``path`` (a folder, the file, or a URL)."""
    file = locate(path)
    data, lines = read_yaml(_read_text(file), file)
    base = file.rsplit("/", 1)[0] if is_url(file) else os.path.dirname(file)
    return parse_document(data, file=file, base=base, lines=lines)
