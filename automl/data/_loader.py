"""``load_data``: any supported data source -> a pandas DataFrame.

A source is a DataFrame, an :class:`~automl.data.MLTable`, an
:class:`~automl.data.Input`, or a path / URL to a data file, a folder holding
an ``MLTable`` file, or a folder of data files of one format. Every failure is
a :class:`~automl.errors.DataError` (or :class:`~automl.errors.ConfigError`)
that names the setting, the path and the fix.
"""
from __future__ import annotations

import os
import posixpath
from collections.abc import Callable
from typing import Any

import pandas as pd
import pyarrow as pa

from automl.data._input import Input
from automl.data.mltable._execute import read_files
from automl.data.mltable._formats import (
    SUPPORTED_SUFFIXES,
    FileFormat,
    format_of,
    formats_of,
)
from automl.data.mltable._origin import format_names
from automl.data.mltable._paths import (
    MLTABLE_FILE_NAME,
    is_data_file_name,
    list_local_folder,
    missing_path_problem,
)
from automl.data.mltable._remote import (
    asset_reference_error,
    filesystem,
    full_url,
    is_asset_reference,
    is_url,
    local_path_of,
)
from automl.data.mltable._table import MLTable, load_mltable
from automl.errors import AutoMLError, ConfigError, DataError

__all__ = ["load_data"]


def _supported() -> str:
    return ", ".join(SUPPORTED_SUFFIXES)


def _file_format(location: str) -> FileFormat:
    name = posixpath.basename(location.replace(os.sep, "/"))
    fmt = format_of(name)
    if fmt is None:
        raise DataError(
            f"'{location}' has an unsupported extension. Supported: {_supported()}. "
            "Convert the file (e.g. `pandas.read_excel(path).to_parquet('train.parquet')`), "
            "or pass a DataFrame."
        )
    return fmt


def _load_file(location: str) -> pd.DataFrame:
    """One data file, read by the format its extension names."""
    fmt = _file_format(location)
    return read_files([location], fmt.reader, dict(fmt.options))


def _listing(folder: str) -> tuple[bool, list[str]]:
    """(holds an MLTable file?, data files under it) for a local folder or a URL."""
    if not is_url(folder):
        has_mltable = os.path.isfile(os.path.join(folder, MLTABLE_FILE_NAME))
        return has_mltable, list_local_folder(folder)
    fs, fs_path = filesystem(folder)
    root = fs_path.rstrip("/")
    if fs.exists(f"{root}/{MLTABLE_FILE_NAME}"):
        return True, []
    found = [p for p in sorted(fs.find(root)) if is_data_file_name(posixpath.basename(p))]
    return False, [full_url(fs, p, folder) for p in found]


def _load_folder(folder: str) -> pd.DataFrame:
    """A folder: its MLTable file if it has one, else all its files of one format."""
    has_mltable, files = _listing(folder)
    if has_mltable:
        return load_mltable(folder)
    groups = formats_of(files)
    groups.pop("", None)
    if not groups:
        raise DataError(
            f"folder '{folder}' holds no MLTable file and no data file with a supported "
            f"extension ({_supported()}); it holds: {format_names(files) or 'nothing'}. "
            "Point at the data, or add an MLTable file that says how to read it."
        )
    if len(groups) > 1:
        kinds = ", ".join(f"{len(names)} {name}" for name, names in groups.items())
        raise DataError(
            f"folder '{folder}' mixes file formats ({kinds}). Keep one format per folder, "
            "or add an MLTable file that lists which files to read."
        )
    (names,) = groups.values()
    fmt = _file_format(names[0])
    return read_files(names, fmt.reader, dict(fmt.options))


def _load_mltable_input(path: str) -> pd.DataFrame:
    return load_mltable(path)


def _load_file_input(path: str) -> pd.DataFrame:
    if not is_url(path) and os.path.isdir(path):
        raise DataError(
            f"'{path}' is a folder but the input type is uri_file. "
            "Use Input(type='uri_folder') or Input(type='mltable'), or point at one file."
        )
    _check_exists(path)
    return _load_file(path)


def _load_folder_input(path: str) -> pd.DataFrame:
    if not is_url(path) and os.path.isfile(path):
        raise DataError(
            f"'{path}' is a file but the input type is uri_folder. "
            "Use Input(type='uri_file') for one file, or point at its folder."
        )
    _check_exists(path)
    return _load_folder(path)


def _check_exists(path: str) -> None:
    if not is_url(path) and not os.path.exists(path):
        raise DataError(missing_path_problem(os.path.abspath(path)) + " Fix the path.")


def _load_path(path: str) -> pd.DataFrame:
    """A path or URL: an MLTable folder, a folder of files, or one file."""
    if is_asset_reference(path):
        raise asset_reference_error(path)
    if is_url(path):
        local = local_path_of(path)
        if local is not None:
            return _load_path(local)
        name = posixpath.basename(path.rstrip("/"))
        return _load_file(path) if format_of(name) else _load_folder(path)
    _check_exists(path)
    if os.path.isdir(path):
        return _load_folder(path)
    if os.path.basename(path) == MLTABLE_FILE_NAME:
        return load_mltable(path)
    return _load_file(path)


_INPUT_LOADERS: dict[str, Callable[[str], pd.DataFrame]] = {
    "mltable": _load_mltable_input,
    "uri_file": _load_file_input,
    "uri_folder": _load_folder_input,
}


def _loader_for(source: Any, setting: str) -> Callable[[], pd.DataFrame]:
    if isinstance(source, MLTable):
        return source.to_pandas_dataframe
    if isinstance(source, Input):
        return lambda: _INPUT_LOADERS[source.type](source.path)
    if isinstance(source, (str, os.PathLike)):
        return lambda: _load_path(os.fspath(source))
    raise ConfigError(
        f"{setting}: expected a path, an Input, an MLTable or a pandas DataFrame, "
        f"got {type(source).__name__}."
    )


def _describe(source: Any) -> str:
    if isinstance(source, pd.DataFrame):
        return "the DataFrame"
    if isinstance(source, Input):
        return f"'{source.path}'"
    if isinstance(source, MLTable):
        return f"the MLTable {source.paths}"
    return f"'{os.fspath(source)}'"


def _check_not_empty(frame: pd.DataFrame, setting: str, what: str, rows: bool = True) -> None:
    if frame.shape[1] == 0:
        raise DataError(
            f"{setting}: {what} has no columns. Check that the file is not empty and "
            "that the delimiter matches the file."
        )
    if rows and frame.shape[0] == 0:
        raise DataError(
            f"{setting}: {what} has no rows. Check that the data has rows below the "
            "header; for an MLTable, check that take / skip / filter keep some rows."
        )


def _check_column_names(frame: pd.DataFrame, setting: str, what: str) -> None:
    """Column names must be unique strings: every later step addresses columns by name."""
    bad = [c for c in frame.columns if not isinstance(c, str)]
    if bad:
        raise DataError(
            f"{setting}: {what} has column names that are not strings ({', '.join(map(repr, bad[:5]))}). "
            "Name the columns, e.g. frame.columns = frame.columns.astype(str)."
        )
    repeated = list(dict.fromkeys(frame.columns[frame.columns.duplicated()]))
    if repeated:
        raise DataError(
            f"{setting}: {what} has duplicate column names ({', '.join(map(repr, repeated[:5]))}). "
            "Rename or drop the repeated columns so that every column name is unique."
        )
    # numpy's fixed-width strings drop trailing NUL characters, so scikit-learn's
    # ColumnTransformer would look for "a" when the column is "a\x00".
    nul_ended = [c for c in frame.columns if c.endswith("\x00")]
    if nul_ended:
        raise DataError(
            f"{setting}: {what} has column names that end in a NUL character "
            f"({', '.join(map(repr, nul_ended[:5]))}), which numpy cannot hold. "
            "Strip it, e.g. frame.columns = frame.columns.str.rstrip('\\x00')."
        )


def load_data(source: Any, *, setting: str = "training_data", allow_no_rows: bool = False) -> pd.DataFrame:
    """Load a data source into a pandas DataFrame.

    Parameters
    ----------
    source : Input, MLTable, str, os.PathLike or pandas.DataFrame
        A DataFrame is returned as a copy. A path may be a ``.csv``, ``.csv.gz``,
        ``.tsv``, ``.parquet``, ``.pq``, ``.jsonl`` or ``.json`` (JSON lines) file,
        a folder holding an ``MLTable`` file, or a folder of files of one format
        (concatenated). ``Input(type="mltable" | "uri_file" | "uri_folder")``
        says which it must be.
    setting : str
        The setting the data is for (``training_data``, ``validation_data``...);
        error messages start with it.
    allow_no_rows : bool, default=False
        Return a table of columns and no rows (rows to score that a filter emptied) instead
        of refusing it.

    Returns
    -------
    pandas.DataFrame
        With a 0..n-1 index, at least one column and (unless ``allow_no_rows``) one row.

    Raises
    ------
    DataError
        For a missing file (with close names), an unsupported extension (with the
        supported ones), an unreadable file, an invalid MLTable, empty data, or
        duplicate or non-string column names, or names ending in a NUL character.
    ConfigError
        When ``source`` is of an unsupported type.

    Examples
    --------
    >>> import pandas as pd
    >>> from automl.data import load_data
    >>> load_data(pd.DataFrame({"a": [1, 2]})).shape
    (2, 1)
    """
    if isinstance(source, pd.DataFrame):
        frame = source.copy()
    else:
        load = _loader_for(source, setting)
        try:
            frame = load()
        except AutoMLError as err:
            raise type(err)(f"{setting}: {err}") from None
        except (pa.ArrowException, OSError, ValueError, UnicodeError) as err:
            raise DataError(
                f"{setting}: cannot read {_describe(source)}: {type(err).__name__}: {err}. "
                "Check that the file is complete and in the format its extension says."
            ) from None
    _check_not_empty(frame, setting, _describe(source), rows=not allow_no_rows)
    _check_column_names(frame, setting, _describe(source))
    return frame
