"""Reading many files in parallel and stacking them into one DataFrame.

Readers return one part per file (a pyarrow Table, or a DataFrame when the file
needed a Python fallback). :func:`combine_parts` unifies column types across
files (int + float -> float, anything else that differs -> string), fills the
columns a file lacks with nulls, converts once to pandas and adds the path
column when asked.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa

from automl.data.mltable._paths import DataFile
from automl.errors import DataError

__all__ = ["PATH_COLUMN", "SOURCE_COLUMN", "combine_parts", "map_files"]

T = TypeVar("T")
Part = pa.Table | pd.DataFrame

#: The column ``include_path_column`` adds (Azure's name).
PATH_COLUMN = "Path"
#: A hidden column holding each row's file, kept only while a transformation
#: (``extract_columns_from_partition_format``) needs it.
SOURCE_COLUMN = "__mltable_source_path__"
_MAX_WORKERS = 8


def map_files(read: Callable[[DataFile], T], files: Sequence[DataFile]) -> list[T]:
    """``[read(f) for f in files]``, in threads when there are several files.

    pyarrow releases the GIL while parsing, so files are read in parallel.
    """
    if len(files) <= 1:
        return [read(f) for f in files]
    with ThreadPoolExecutor(max_workers=min(_MAX_WORKERS, len(files))) as pool:
        return list(pool.map(read, files))


def _common_type(types: list[pa.DataType]) -> pa.DataType:
    """The type every part of a column can be cast to."""
    known = [t for t in types if not pa.types.is_null(t)]
    if not known:
        return pa.null()
    if all(t == known[0] for t in known):
        return known[0]
    if all(pa.types.is_integer(t) for t in known):
        return pa.int64()
    if all(pa.types.is_integer(t) or pa.types.is_floating(t) for t in known):
        return pa.float64()
    if all(pa.types.is_timestamp(t) or pa.types.is_date(t) for t in known):
        return pa.timestamp("ns")
    return pa.string()


def _cast_all(tables: list[pa.Table], name: str, target: pa.DataType) -> list[pa.Table]:
    """Cast column ``name`` of every table holding it to ``target``."""
    result = []
    for table in tables:
        index = table.schema.get_field_index(name)
        if index >= 0 and table.schema.field(index).type != target:
            column = table.column(index).cast(target)
            table = table.set_column(index, pa.field(name, target), column)
        result.append(table)
    return result


def _unify(tables: list[pa.Table]) -> list[pa.Table]:
    """Cast the columns of every table to the type common to all tables."""
    seen: dict[str, list[pa.DataType]] = {}
    for table in tables:
        for fld in table.schema:
            seen.setdefault(fld.name, []).append(fld.type)
    for name, types in seen.items():
        target = _common_type(types)
        if all(t == target for t in types):
            continue
        try:
            tables = _cast_all(tables, name, target)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            tables = _cast_all(tables, name, pa.string())
    return tables


def _default_index(frame: pd.DataFrame) -> pd.DataFrame:
    """A 0..n-1 index; a named index stored in a Parquet file becomes a column."""
    if isinstance(frame.index, pd.RangeIndex) and frame.index.start == 0 and frame.index.step == 1:
        return frame
    named = any(name is not None for name in frame.index.names)
    return frame.reset_index(drop=not named)


def _to_pandas(parts: list[Part]) -> pd.DataFrame:
    tables = [p for p in parts if isinstance(p, pa.Table)]
    if len(tables) == len(parts):
        table = pa.concat_tables(_unify(tables), promote_options="default")
        return _default_index(table.to_pandas(date_as_object=False))
    frames = [
        p.to_pandas(date_as_object=False) if isinstance(p, pa.Table) else p for p in parts
    ]
    frames = [f for f in frames if f.shape[0] or f.shape[1]]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _path_values(files: Sequence[DataFile], lengths: list[int]) -> pd.Categorical:
    codes = np.repeat(np.arange(len(files), dtype=np.int32), lengths)
    categories = pd.Index([f.path for f in files]).unique()
    positions = categories.get_indexer([f.path for f in files])
    return pd.Categorical.from_codes(positions[codes], categories=categories)


def combine_parts(
    parts: list[Part],
    files: Sequence[DataFile],
    *,
    include_path_column: bool = False,
    keep_source: bool = False,
) -> pd.DataFrame:
    """Stack the per-file ``parts`` into one DataFrame.

    Parameters
    ----------
    parts : list of pyarrow.Table or pandas.DataFrame
        One per file, in the order of ``files``.
    files : sequence of DataFile
        The files the parts were read from.
    include_path_column : bool
        Add a first column ``Path`` holding each row's file.
    keep_source : bool
        Add the hidden column :data:`SOURCE_COLUMN` (for partition extraction).
    """
    frame = _to_pandas(parts)
    if not (include_path_column or keep_source):
        return frame
    values = _path_values(files, [len(p) for p in parts])
    if keep_source and not include_path_column:
        frame[SOURCE_COLUMN] = values
    if include_path_column:
        if PATH_COLUMN in frame.columns:
            raise DataError(
                f"the data already has a column named {PATH_COLUMN!r}, so include_path_column "
                "cannot add one. Rename that column or set include_path_column: false."
            )
        frame.insert(0, PATH_COLUMN, pd.Series(values, index=frame.index).astype("str"))
    return frame
