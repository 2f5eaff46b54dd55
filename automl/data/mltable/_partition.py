"""``extract_columns_from_partition_format``: columns from the files' paths.

``/{Department}/{PartitionDate:yyyy/MM/dd}/data.csv`` reads a string column
``Department`` and a datetime column ``PartitionDate`` from each file's path.
The format describes the end of the path (or of its folder part, when it
stops before the file name); ``*`` matches any text within one folder level.
Date formats use ``yyyy MM dd HH mm ss``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from automl.data.mltable._combine import PATH_COLUMN, SOURCE_COLUMN
from automl.data.mltable._origin import Origin

__all__ = ["PartitionFormat", "apply", "parse"]

#: date token -> (regular expression, strptime code)
DATE_TOKENS: dict[str, tuple[str, str]] = {
    "yyyy": (r"\d{4}", "%Y"),
    "MM": (r"\d{1,2}", "%m"),
    "dd": (r"\d{1,2}", "%d"),
    "HH": (r"\d{1,2}", "%H"),
    "mm": (r"\d{1,2}", "%M"),
    "ss": (r"\d{1,2}", "%S"),
}
_FIELD = re.compile(r"\{([^{}:]*)(?::([^{}]*))?\}")
_TOKEN = re.compile("|".join(DATE_TOKENS))


@dataclass(frozen=True)
class PartitionFormat:
    """A parsed partition format: its regular expression and its columns.

    ``columns`` maps each column to its strptime format (``None`` for text).
    """

    text: str
    pattern: re.Pattern
    columns: dict[str, str | None]


def _literal(text: str) -> str:
    return "[^/]*".join(re.escape(part) for part in text.split("*"))


def _check_separators(text: str, fmt: str, origin: Origin) -> None:
    if any(ch.isalpha() for ch in text):
        raise origin.error(
            f"date format {fmt!r} holds {text!r}, which is not a date part.",
            f"Use the parts {', '.join(DATE_TOKENS)} and separators such as / - _.",
        )


def _date_regex(fmt: str, origin: Origin) -> tuple[str, str]:
    """The regular expression and strptime format of a date field such as yyyy/MM/dd."""
    regex, strptime, position = "", "", 0
    for token in _TOKEN.finditer(fmt):
        between = fmt[position : token.start()]
        _check_separators(between, fmt, origin)
        regex += re.escape(between) + DATE_TOKENS[token.group()][0]
        strptime += between.replace("%", "%%") + DATE_TOKENS[token.group()][1]
        position = token.end()
    tail = fmt[position:]
    _check_separators(tail, fmt, origin)
    if not strptime:
        parts = ", ".join(DATE_TOKENS)
        raise origin.error(f"date format {fmt!r} has no date part.", f"Use {parts}.")
    return regex + re.escape(tail), strptime + tail.replace("%", "%%")


def parse(value: Any, origin: Origin) -> PartitionFormat:
    """Parse a partition format string into a :class:`PartitionFormat`."""
    if not isinstance(value, str) or not _FIELD.search(value):
        raise origin.error(
            f"expected a format with {{column}} fields, got {value!r}.",
            "Example: '/{Department}/{PartitionDate:yyyy/MM/dd}/data.csv'.",
        )
    regex, columns, position = "", {}, 0
    for number, field in enumerate(_FIELD.finditer(value)):
        name, date_format = field.group(1), field.group(2)
        if not name or name in columns:
            problem = "an empty column name" if not name else f"column {name!r} twice"
            raise origin.error(f"the format has {problem}.", "Give each field its own name.")
        regex += _literal(value[position : field.start()])
        if date_format is None:
            regex += f"(?P<g{number}>[^/]+)"
        else:
            date_regex, date_format = _date_regex(date_format, origin)
            regex += f"(?P<g{number}>{date_regex})"
        columns[name] = date_format
        position = field.end()
    regex += _literal(value[position:])
    return PartitionFormat(value, re.compile(regex + "$"), columns)


def _match(fmt: PartitionFormat, path: str) -> re.Match | None:
    path = path.replace("\\", "/")
    return fmt.pattern.search(path) or fmt.pattern.search(path.rsplit("/", 1)[0])


def _values(fmt: PartitionFormat, paths: pd.Index, origin: Origin) -> dict[str, list]:
    values: dict[str, list] = {name: [] for name in fmt.columns}
    for path in paths:
        match = _match(fmt, str(path))
        if match is None:
            raise origin.error(
                f"file '{path}' does not match the partition format {fmt.text!r}.",
                "Make the format describe the end of every file's path.",
            )
        for number, name in enumerate(fmt.columns):
            values[name].append(match.group(f"g{number}"))
    return values


def _column(raw: list, date_format: str | None, codes: np.ndarray, origin: Origin) -> pd.Series:
    if date_format is None:
        column = pd.Series(raw, dtype="str")
    else:
        try:
            column = pd.Series(pd.to_datetime(raw, format=date_format))
        except (ValueError, TypeError) as err:
            raise origin.error(f"a partition date cannot be read: {err}.") from None
    return column.take(codes).reset_index(drop=True)


def apply(frame: pd.DataFrame, fmt: PartitionFormat, origin: Origin) -> pd.DataFrame:
    """Add one column per format field, read from each row's file path."""
    source = PATH_COLUMN if PATH_COLUMN in frame.columns else SOURCE_COLUMN
    if source not in frame.columns:
        raise origin.error(
            "the rows' file paths are no longer available.",
            "Do not drop the Path column before extract_columns_from_partition_format.",
        )
    paths = pd.Categorical(frame[source])
    values = _values(fmt, paths.categories, origin)
    frame = frame.copy(deep=False)
    for name, date_format in fmt.columns.items():
        column = _column(values[name], date_format, paths.codes, origin)
        frame[name] = column.set_axis(frame.index)
    return frame
