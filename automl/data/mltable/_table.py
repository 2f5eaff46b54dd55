"""The :class:`MLTable` object and the functions that make one."""
from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import pandas as pd

from automl.data.mltable._authoring import (
    PathsLike,
    document_of,
    spec_from,
    to_yaml,
    write_spec,
)
from automl.data.mltable._execute import execute
from automl.data.mltable._locate import load_spec
from automl.data.mltable._spec import Spec, parse_document

__all__ = [
    "MLTable",
    "from_delimited_files",
    "from_json_lines_files",
    "from_parquet_files",
    "load_mltable",
]


class MLTable:
    """An MLTable data asset: which files to read and how to turn them into a table.

    Make one with :meth:`load` (a folder holding an ``MLTable`` YAML file) or with
    :func:`from_delimited_files`, :func:`from_parquet_files` or
    :func:`from_json_lines_files`. Transformation methods (:meth:`take`,
    :meth:`filter`, ...) return a new MLTable with one more step; nothing is read
    until :meth:`to_pandas_dataframe`.

    Examples
    --------
    >>> from automl.data import MLTable
    >>> table = MLTable.load("data/train")                      # doctest: +SKIP
    >>> table.paths                                             # doctest: +SKIP
    [{'file': './train.csv'}]
    >>> frame = table.keep_columns(["age", "income"]).to_pandas_dataframe()  # doctest: +SKIP
    """

    def __init__(self, spec: Spec):
        self._spec = spec

    @classmethod
    def load(cls, path: str | os.PathLike) -> MLTable:
        """Load the MLTable of a folder (or of the ``MLTable`` file itself, or a URL).

        Raises
        ------
        DataError
            When there is no ``MLTable`` file, its YAML is invalid, or a key,
            transformation or option is unknown; the message names the line.
        """
        return cls(load_spec(path))

    @property
    def paths(self) -> list[dict[str, str]]:
        """The ``paths`` entries as written, e.g. ``[{"file": "./train.csv"}]``."""
        return [{entry.kind: entry.value} for entry in self._spec.paths]

    @property
    def transformations(self) -> list[dict[str, Any]]:
        """The transformations as written, e.g. ``[{"read_delimited": {...}}, {"take": 5}]``."""
        return [{step.name: copy.deepcopy(step.raw)} for step in self._spec.steps]

    @property
    def base_path(self) -> str:
        """The folder relative paths resolve against."""
        return self._spec.base

    @property
    def source(self) -> str | None:
        """The ``MLTable`` file this table was loaded from (``None`` if built in code)."""
        return self._spec.file

    def to_pandas_dataframe(self) -> pd.DataFrame:
        """Read the files and apply the transformations, in order.

        Raises
        ------
        DataError
            Naming the MLTable file, the key (and YAML line) and the fix.
        """
        return execute(self._spec)

    def to_yaml(self) -> str:
        """The YAML text of this MLTable (paths as written)."""
        return to_yaml(document_of(self._spec))

    def save(self, path: str | os.PathLike, *, overwrite: bool = True) -> Path:
        """Write ``path/MLTable`` and return the file's path.

        Relative paths are rewritten so that the saved table reads the same files.
        """
        return write_spec(self._spec, path, overwrite=overwrite)

    def _append(self, name: str, value: Any) -> MLTable:
        document = document_of(self._spec)
        document["transformations"] = [*self.transformations, {name: value}]
        return MLTable(parse_document(document, file=None, base=self._spec.base))

    def take(self, count: int) -> MLTable:
        """Keep the first ``count`` rows."""
        return self._append("take", count)

    def skip(self, count: int) -> MLTable:
        """Drop the first ``count`` rows."""
        return self._append("skip", count)

    def take_random_sample(self, probability: float, seed: int | None = None) -> MLTable:
        """Keep each row with the given ``probability``."""
        return self._append("take_random_sample", {"probability": probability, "seed": seed})

    def drop_columns(self, columns: str | list[str]) -> MLTable:
        """Drop these columns."""
        return self._append("drop_columns", columns if isinstance(columns, str) else list(columns))

    def keep_columns(self, columns: str | list[str]) -> MLTable:
        """Keep only these columns, in the order given."""
        return self._append("keep_columns", columns if isinstance(columns, str) else list(columns))

    def convert_column_types(self, conversions: list[dict[str, Any]]) -> MLTable:
        """Convert columns: ``[{"columns": [...], "column_type": "int" | {...}}]``."""
        return self._append("convert_column_types", copy.deepcopy(conversions))

    def filter(self, expression: str) -> MLTable:
        """Keep the rows where ``expression`` (e.g. ``col("age") > 32``) is true."""
        return self._append("filter", expression)

    def extract_columns_from_partition_format(self, partition_format: str) -> MLTable:
        """Add columns read from the file paths, e.g. ``/{year}/{month}/data.csv``."""
        return self._append("extract_columns_from_partition_format", partition_format)

    def __repr__(self) -> str:
        names = [step.name for step in self._spec.steps]
        return f"MLTable(paths={self.paths!r}, transformations={names!r})"


def load_mltable(path: str | os.PathLike) -> pd.DataFrame:
    """Load the MLTable folder at ``path`` into a DataFrame.

    Equivalent to ``MLTable.load(path).to_pandas_dataframe()``.
    """
    return MLTable.load(path).to_pandas_dataframe()


def from_delimited_files(
    paths: PathsLike,
    header: str = "all_files_same_headers",
    delimiter: str = ",",
    support_multi_line: bool = False,
    empty_as_string: bool = False,
    encoding: str = "utf8",
    include_path_column: bool = False,
    infer_column_types: bool = True,
) -> MLTable:
    """An MLTable reading delimited text files (CSV, TSV...).

    Parameters
    ----------
    paths : str, path, mapping or list of them
        Files, folders or glob patterns; a mapping ``{"file" | "folder" | "pattern": path}``
        says which. Relative paths resolve against the working directory.
    header : str
        ``all_files_same_headers`` (default), ``from_first_file``,
        ``all_files_different_headers`` or ``no_header``.
    delimiter : str
        One character.
    support_multi_line : bool
        Whether quoted values may span lines.
    empty_as_string : bool
        Keep empty text fields as ``""`` instead of null.
    encoding : str
        ``utf8`` (default), ``utf8bom``, ``iso88591``, ``latin1``, ``ascii``, ``utf16``,
        ``utf32`` or ``windows1252``.
    include_path_column : bool
        Add a ``Path`` column with each row's file.
    infer_column_types : bool
        Infer numbers, booleans and dates; when false every column is text.
    """
    options = {
        "delimiter": delimiter,
        "header": header,
        "encoding": encoding,
        "empty_as_string": empty_as_string,
        "include_path_column": include_path_column,
        "support_multi_line": support_multi_line,
        "infer_column_types": infer_column_types,
    }
    return MLTable(spec_from(paths, "read_delimited", options))


def from_parquet_files(paths: PathsLike, include_path_column: bool = False) -> MLTable:
    """An MLTable reading Parquet files (see :func:`from_delimited_files` for ``paths``)."""
    return MLTable(spec_from(paths, "read_parquet", {"include_path_column": include_path_column}))


def from_json_lines_files(
    paths: PathsLike,
    invalid_lines: str = "error",
    encoding: str = "utf8",
    include_path_column: bool = False,
) -> MLTable:
    """An MLTable reading JSON lines files (one object per line).

    ``invalid_lines="drop"`` skips lines that are not JSON objects instead of failing.
    """
    options = {
        "invalid_lines": invalid_lines,
        "encoding": encoding,
        "include_path_column": include_path_column,
    }
    return MLTable(spec_from(paths, "read_json_lines", options))
