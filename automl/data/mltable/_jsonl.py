"""``read_json_lines``: one JSON object per line.

pyarrow.json reads well-formed files fast. A file with invalid lines or with
values whose type changes between lines is read line by line in Python, which
also names the first bad line or drops invalid ones (``invalid_lines: drop``).
A ``.json`` file holding one JSON array of objects is read too.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.json as pajson

from automl.data.mltable._combine import Part, combine_parts, map_files
from automl.data.mltable._encoding import ENCODINGS, to_utf8
from automl.data.mltable._options import Option, parse_options
from automl.data.mltable._origin import Origin
from automl.data.mltable._paths import DataFile

__all__ = ["OPTIONS", "parse", "read"]

OPTIONS: dict[str, Option] = {
    "invalid_lines": Option("choice", "error", ("error", "drop")),
    "encoding": Option("choice", "utf8", tuple(ENCODINGS)),
    "include_path_column": Option("bool", False),
}


def parse(value: Any, origin: Origin) -> dict[str, Any]:
    """Validate the options of ``read_json_lines``."""
    return parse_options(value, OPTIONS, origin)


def _bad_line(file: DataFile, number: int, line: bytes, reason: str, origin: Origin):
    snippet = line[:80].decode("utf-8", errors="replace")
    return origin.error(
        f"'{file.path}' line {number} is not a JSON object ({reason}): {snippet!r}.",
        "Fix the line, or set `invalid_lines: drop` to skip invalid lines.",
    )


def _python_lines(data: bytes, file: DataFile, drop: bool, origin: Origin) -> pd.DataFrame:
    records = []
    for number, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            reason = "" if isinstance(record, dict) else f"a JSON {type(record).__name__}"
        except ValueError as err:
            reason = str(err)
        if not reason:
            records.append(record)
        elif not drop:
            raise _bad_line(file, number, line, reason, origin)
    return pd.DataFrame(records)


def _json_array(data: bytes, file: DataFile, origin: Origin) -> pd.DataFrame:
    try:
        records = json.loads(data)
    except ValueError as err:
        raise origin.error(
            f"'{file.path}' starts with '[' but is not valid JSON: {err}.",
            "Write one JSON object per line (JSON lines) or fix the array.",
        ) from None
    if not all(isinstance(r, dict) for r in records):
        raise origin.error(
            f"'{file.path}' holds a JSON array whose items are not all objects.",
            "Write one JSON object per line, each mapping column names to values.",
        )
    return pd.DataFrame(records)


def _read_one(file: DataFile, opts: dict, origin: Origin) -> Part:
    try:
        data = to_utf8(file, opts["encoding"], origin)
    except OSError as err:
        raise origin.error(f"cannot read '{file.path}': {err}.") from None
    if data.lstrip()[:1] == b"[":
        return _json_array(data, file, origin)
    drop = opts["invalid_lines"] == "drop"
    if not drop and data.strip():
        try:
            return pajson.read_json(pa.BufferReader(data))
        except pa.ArrowInvalid:
            pass  # mixed types or a bad line: the Python reader handles and names it
    return _python_lines(data, file, drop, origin)


def read(files: Sequence[DataFile], opts: dict, origin: Origin, keep_source: bool) -> pd.DataFrame:
    """Read JSON lines ``files`` into one DataFrame as ``opts`` says."""
    parts = map_files(lambda f: _read_one(f, opts, origin), files)
    return combine_parts(
        parts, files, include_path_column=opts["include_path_column"], keep_source=keep_source
    )
