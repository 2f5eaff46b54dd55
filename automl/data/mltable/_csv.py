"""``read_delimited``: delimited text files read with pyarrow.csv.

The four header modes are a table of small functions. pyarrow parses in
parallel and infers types over the whole file; files are also read in parallel
and stacked by :mod:`._combine`.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv

from automl.data.mltable._combine import combine_parts, map_files
from automl.data.mltable._encoding import (
    ENCODINGS,
    NATIVE_ENCODINGS,
    decode_error,
    to_utf8,
)
from automl.data.mltable._options import Option, parse_options
from automl.data.mltable._origin import Origin
from automl.data.mltable._paths import DataFile

__all__ = ["HEADER_MODES", "OPTIONS", "parse", "read"]

HEADER_MODES = (
    "all_files_same_headers",
    "from_first_file",
    "all_files_different_headers",
    "no_header",
)

OPTIONS: dict[str, Option] = {
    "delimiter": Option("str", ","),
    "header": Option("choice", "all_files_same_headers", HEADER_MODES),
    "encoding": Option("choice", "utf8", tuple(ENCODINGS)),
    "empty_as_string": Option("bool", False),
    "include_path_column": Option("bool", False),
    "support_multi_line": Option("bool", False),
    "infer_column_types": Option("bool", True),
}

_ESCAPES = {"\\t": "\t"}  # a single-quoted '\t' in YAML is two characters
_FIX = (
    "Check `delimiter` and `header`, and set `support_multi_line: true` when quoted "
    "values span several lines."
)


def parse(value: Any, origin: Origin) -> dict[str, Any]:
    """Validate the options of ``read_delimited``."""
    options = parse_options(value, OPTIONS, origin)
    delimiter = _ESCAPES.get(options["delimiter"], options["delimiter"])
    if len(delimiter) != 1:
        raise origin.child("delimiter").error(
            f"delimiter {options['delimiter']!r} is not a single character.",
            "Use one character such as ',', ';', '|' or a tab (\"\\t\").",
        )
    options["delimiter"] = delimiter
    return options


def clean_names(names: Sequence[str]) -> list[str]:
    """Name empty headers ``ColumnN`` and de-duplicate repeats as ``name.1``."""
    result: list[str] = []
    for i, name in enumerate(names):
        name = name or f"Column{i + 1}"
        candidate, n = name, 0
        while candidate in result:
            n += 1
            candidate = f"{name}.{n}"
        result.append(candidate)
    return result


def _source(file: DataFile, encoding: str, origin: Origin) -> Any:
    """A local path pyarrow can read natively, else the content as UTF-8 bytes."""
    if encoding not in NATIVE_ENCODINGS:
        return to_utf8(file, encoding, origin)
    return file.path if file.fs is None else file.read_bytes()


def _stream(source: Any) -> Any:
    return pa.BufferReader(source) if isinstance(source, bytes) else source


def _peek_names(source: Any, read_options: Any, parse_options: Any) -> list[str]:
    """The column names pyarrow will produce, read from the first block."""
    reader = pacsv.open_csv(_stream(source), read_options=read_options, parse_options=parse_options)
    try:
        return reader.schema.names
    finally:
        reader.close()


def _read_table(
    file: DataFile, opts: dict, origin: Origin, names: list[str] | None, header: bool
) -> pa.Table:
    source = _source(file, opts["encoding"], origin)
    read_options = pacsv.ReadOptions(
        column_names=names or None, autogenerate_column_names=not header and not names
    )
    parse_options = pacsv.ParseOptions(
        delimiter=opts["delimiter"], newlines_in_values=opts["support_multi_line"]
    )
    convert = pacsv.ConvertOptions(strings_can_be_null=not opts["empty_as_string"])
    if not opts["infer_column_types"]:
        columns = _peek_names(source, read_options, parse_options)
        convert.column_types = {name: pa.string() for name in columns}
    return pacsv.read_csv(_stream(source), read_options, parse_options, convert)


def _read_one(
    file: DataFile, opts: dict, origin: Origin, *, header: bool, names: list[str] | None = None
) -> pa.Table:
    """One file as a pyarrow Table; every failure becomes a DataError naming the file."""
    try:
        table = _read_table(file, opts, origin, names, header)
    except OSError as err:  # before ArrowException: ArrowIOError is both
        raise origin.error(f"cannot read '{file.path}': {err}.") from None
    except pa.ArrowException as err:
        text = str(err)
        if "Empty CSV file" in text:
            return pa.table({})
        if opts["encoding"] in NATIVE_ENCODINGS and "utf8" in text.lower():
            raise decode_error(file, opts["encoding"], origin) from None
        raise origin.error(
            f"'{file.path}' cannot be read as delimited text "
            f"(delimiter {opts['delimiter']!r}): {text}.",
            _FIX,
        ) from None
    if any(pa.types.is_binary(t) for t in table.schema.types):
        raise decode_error(file, opts["encoding"], origin)
    if names:
        return table
    if header:
        return table.rename_columns(clean_names(table.column_names))
    return table.rename_columns([f"Column{i + 1}" for i in range(table.num_columns)])


def _same_headers(files: Sequence[DataFile], opts: dict, origin: Origin) -> list[pa.Table]:
    tables = map_files(lambda f: _read_one(f, opts, origin, header=True), files)
    first = next((t.column_names for t in tables if t.num_columns), [])
    for file, table in zip(files, tables, strict=True):
        names = table.column_names
        if names and names != first:
            missing = [n for n in first if n not in names]
            extra = [n for n in names if n not in first]
            raise origin.child("header").error(
                f"'{file.path}' has a different header than '{files[0].path}' under "
                f"`header: all_files_same_headers` (missing: {missing or 'none'}; "
                f"extra: {extra or 'none'}; order: {names}).",
                "Use `header: all_files_different_headers` to take the union of the "
                "columns, or fix the files.",
            )
    return tables


def _different_headers(files: Sequence[DataFile], opts: dict, origin: Origin) -> list[pa.Table]:
    return map_files(lambda f: _read_one(f, opts, origin, header=True), files)


def _no_header(files: Sequence[DataFile], opts: dict, origin: Origin) -> list[pa.Table]:
    return map_files(lambda f: _read_one(f, opts, origin, header=False), files)


def _from_first_file(files: Sequence[DataFile], opts: dict, origin: Origin) -> list[pa.Table]:
    first = _read_one(files[0], opts, origin, header=True)
    names = first.column_names
    rest = map_files(lambda f: _read_one(f, opts, origin, header=False, names=names), files[1:])
    return [first, *rest]


_HEADER_READERS: dict[str, Callable[[Sequence[DataFile], dict, Origin], list[pa.Table]]] = {
    "all_files_same_headers": _same_headers,
    "all_files_different_headers": _different_headers,
    "no_header": _no_header,
    "from_first_file": _from_first_file,
}


def read(files: Sequence[DataFile], opts: dict, origin: Origin, keep_source: bool):
    """Read delimited ``files`` into one DataFrame as ``opts`` says."""
    tables = _HEADER_READERS[opts["header"]](files, opts, origin)
    return combine_parts(
        tables, files, include_path_column=opts["include_path_column"], keep_source=keep_source
    )
