"""The read transformations of an MLTable, as one registry.

A reader turns the resolved files into one DataFrame. It is the first
transformation of an MLTable; when there is none, the reader is chosen from
the files' extensions (see :mod:`._formats`).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from automl.data.mltable import _csv, _jsonl
from automl.data.mltable._combine import combine_parts, map_files
from automl.data.mltable._options import Option, parse_options
from automl.data.mltable._origin import Origin
from automl.data.mltable._paths import DataFile

__all__ = ["READERS", "Reader"]

ReadFunction = Callable[[Sequence[DataFile], dict, Origin, bool], pd.DataFrame]


@dataclass(frozen=True)
class Reader:
    """A read transformation: how to validate its options and how to read files.

    ``read(files, options, origin, keep_source)`` returns one DataFrame;
    ``keep_source`` asks for the hidden per-row file column.
    """

    parse: Callable[[Any, Origin], dict]
    read: ReadFunction


PARQUET_OPTIONS: dict[str, Option] = {"include_path_column": Option("bool", False)}


def _parse_parquet(value: Any, origin: Origin) -> dict:
    return parse_options(value, PARQUET_OPTIONS, origin)


def _read_parquet_one(file: DataFile, origin: Origin) -> pa.Table:
    try:
        if file.fs is None:
            return pq.read_table(file.path)
        with file.open() as stream:
            return pq.read_table(stream)
    except (pa.ArrowException, OSError) as err:
        raise origin.error(
            f"'{file.path}' is not a readable Parquet file: {err}.",
            "Check that the file is Parquet, or use read_delimited / read_json_lines "
            "for text files.",
        ) from None


def _read_parquet(files: Sequence[DataFile], opts: dict, origin: Origin, keep_source: bool):
    tables = map_files(lambda f: _read_parquet_one(f, origin), files)
    return combine_parts(
        tables, files, include_path_column=opts["include_path_column"], keep_source=keep_source
    )


def _parse_delta(value: Any, origin: Origin) -> dict:
    raise origin.error(
        "read_delta_lake is not supported by automl-studio.",
        "Export the table to Parquet (e.g. `deltalake.DeltaTable(path).to_pandas()"
        ".to_parquet('train.parquet')`) and use read_parquet.",
    )


READERS: dict[str, Reader] = {
    "read_delimited": Reader(_csv.parse, _csv.read),
    "read_parquet": Reader(_parse_parquet, _read_parquet),
    "read_json_lines": Reader(_jsonl.parse, _jsonl.read),
    "read_delta_lake": Reader(_parse_delta, _read_parquet),
}
