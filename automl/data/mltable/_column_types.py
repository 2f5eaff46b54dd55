"""``convert_column_types``: int, float, string, boolean and datetime columns.

Each target type is one converter in a table. A converter returns the new
column and a mask of the values it could not convert; the first such value is
reported with its column and row.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from pandas.tseries.api import guess_datetime_format

from automl.data.mltable._columns import check_columns
from automl.data.mltable._options import Option, check_value, parse_options
from automl.data.mltable._origin import Origin
from automl.errors import did_you_mean

__all__ = ["CONVERTERS", "Conversion", "apply", "parse"]

_MAX_GUESSES = 5
_TRUE = ("true", "1", "yes", "y", "t")
_FALSE = ("false", "0", "no", "n", "f")

#: type -> options it takes (as `column_type: {type: {options}}`)
TYPE_OPTIONS: dict[str, dict[str, Option]] = {
    "int": {},
    "float": {},
    "string": {},
    "boolean": {
        "true_values": Option("str_list"),
        "false_values": Option("str_list"),
        "mismatch_as": Option("choice", "error", ("true", "false", "error")),
    },
    "datetime": {"formats": Option("str_list")},
}

_FIXES = {
    "int": "Clean the column, or convert it to float (decimals) or string.",
    "float": "Clean the column (only numbers and empty cells convert), or keep it a string.",
    "boolean": "List the value in true_values or false_values, or set mismatch_as: true | false.",
    "datetime": "List the column's format in `formats` (strftime codes, e.g. '%Y-%m-%d %H:%M').",
    "string": "",
}


@dataclass(frozen=True, eq=False)
class Conversion:
    """Convert ``columns`` to ``kind`` with ``options``."""

    columns: tuple[str, ...]
    kind: str
    options: dict
    origin: Origin


def _as_text(value: Any) -> Any:
    """YAML reads `false` and `1` as bool and int: accept them as text."""
    if isinstance(value, bool):
        return str(value).lower()
    return str(value) if isinstance(value, (int, float)) else value


def _as_strings(values: Any) -> Any:
    return [_as_text(v) for v in values] if isinstance(values, list) else _as_text(values)


def _parse_type(value: Any, origin: Origin) -> tuple[str, dict]:
    if isinstance(value, dict) and len(value) == 1:
        kind, options = next(iter(value.items()))
    elif isinstance(value, str):
        kind, options = value, None
    else:
        raise origin.error(
            f"expected a type name or `{{type: {{options}}}}`, got {value!r}.",
            f"Types: {', '.join(TYPE_OPTIONS)}.",
        )
    if kind not in TYPE_OPTIONS:
        raise origin.error(
            f"unknown column type {kind!r}.{did_you_mean(str(kind), TYPE_OPTIONS)}",
            f"Types: {', '.join(TYPE_OPTIONS)}.",
        )
    if isinstance(options, dict):
        options = {k: _as_strings(v) for k, v in options.items()}
    return kind, parse_options(options, TYPE_OPTIONS[kind], origin.child(kind))


_ITEM_KEYS = ("columns", "column_type")
_COLUMNS = Option("str_list")


def _parse_item(item: Any, origin: Origin) -> Conversion:
    if not isinstance(item, dict):
        raise origin.error(
            f"expected a mapping with `columns` and `column_type`, got {item!r}."
        )
    unknown = [k for k in item if k not in _ITEM_KEYS]
    if unknown:
        raise origin.child(str(unknown[0])).error(
            f"unknown key {unknown[0]!r}.{did_you_mean(str(unknown[0]), _ITEM_KEYS)}",
            "Valid keys: columns, column_type.",
        )
    for key in _ITEM_KEYS:
        if key not in item:
            raise origin.error(f"missing key {key!r}.", "Give both `columns` and `column_type`.")
    columns = check_value(item["columns"], _COLUMNS, origin.child("columns"))
    kind, options = _parse_type(item["column_type"], origin.child("column_type"))
    return Conversion(tuple(columns), kind, options, origin)


def parse(value: Any, origin: Origin) -> list[Conversion]:
    """Validate a ``convert_column_types`` list (a single mapping is accepted too)."""
    items = [value] if isinstance(value, dict) else value
    if not isinstance(items, list) or not items:
        raise origin.error(
            "expected a list of `{columns: ..., column_type: ...}` mappings.",
            "Example: `- columns: [age]\n    column_type: int`.",
        )
    return [_parse_item(item, origin.child(i)) for i, item in enumerate(items)]


def _present(series: pd.Series) -> pd.Series:
    """Non-null values that are not empty text (empty cells convert to null)."""
    present = series.notna()
    types = pd.api.types
    if not types.is_numeric_dtype(series) and not types.is_datetime64_any_dtype(series):
        present &= series.astype("str").str.strip().ne("")
    return present.fillna(False).astype(bool)


def _numbers(series: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        return series
    if pd.api.types.is_bool_dtype(series):
        return series.astype("float64")
    text = series.astype("str").str.strip()
    return pd.to_numeric(text, errors="coerce")


def _to_float(series: pd.Series, options: dict) -> tuple[pd.Series, pd.Series]:
    numbers = _numbers(series).astype("float64")
    return numbers, _present(series) & numbers.isna()


def _to_int(series: pd.Series, options: dict) -> tuple[pd.Series, pd.Series]:
    if pd.api.types.is_integer_dtype(series):
        return series, pd.Series(False, index=series.index)
    numbers = _numbers(series).astype("float64")
    bad = _present(series) & (numbers.isna() | (numbers % 1 != 0))
    if bad.any():
        return series, bad
    return numbers.astype("Int64" if numbers.isna().any() else "int64"), bad


def _to_string(series: pd.Series, options: dict) -> tuple[pd.Series, pd.Series]:
    text = series.astype("str").where(series.notna())  # pandas 2 turns NaN into "nan"
    return text, pd.Series(False, index=series.index)


def _text(series: pd.Series) -> pd.Series:
    """Lower-case text; integral floats written without ``.0`` (1.0 -> "1")."""
    if pd.api.types.is_float_dtype(series):
        series = series.astype("Int64") if (series.dropna() % 1 == 0).all() else series
    return series.astype("str").str.strip().str.lower()


def _to_boolean(series: pd.Series, options: dict) -> tuple[pd.Series, pd.Series]:
    if pd.api.types.is_bool_dtype(series):
        return series, pd.Series(False, index=series.index)
    trues = [v.lower() for v in options["true_values"] or _TRUE]
    falses = [v.lower() for v in options["false_values"] or _FALSE]
    text, present = _text(series), _present(series)
    is_true, is_false = text.isin(trues) & present, text.isin(falses) & present
    mismatch = present & ~is_true & ~is_false
    mode = options["mismatch_as"]
    bad = mismatch if mode == "error" else pd.Series(False, index=series.index)
    result = pd.Series(pd.NA, index=series.index, dtype="boolean")
    result[is_true | (mismatch & (mode == "true"))] = True
    result[is_false | (mismatch & (mode == "false"))] = False
    return (result if result.isna().any() else result.astype(bool)), bad


def _parse_dates(series: pd.Series, fmt: str | None) -> pd.Series:
    try:
        return pd.to_datetime(series, format=fmt, errors="coerce")
    except (ValueError, TypeError, OverflowError):
        return pd.Series(pd.NaT, index=series.index, dtype="datetime64[ns]")


def _guessed_dates(values: pd.Series, present: pd.Series) -> pd.Series:
    """ISO 8601 first, then formats guessed from the first value left unparsed."""
    result = _parse_dates(values, "ISO8601")
    for _ in range(_MAX_GUESSES):
        todo = present & result.isna()
        if not todo.any():
            break
        fmt = guess_datetime_format(str(values[todo].iloc[0]))
        if fmt is None:
            break
        result = result.fillna(_parse_dates(values.where(todo), fmt))
    return result


def _to_datetime(series: pd.Series, options: dict) -> tuple[pd.Series, pd.Series]:
    if pd.api.types.is_datetime64_any_dtype(series):
        return series, pd.Series(False, index=series.index)
    present = _present(series)
    values = series.where(present)
    if not options["formats"]:
        result = _guessed_dates(values, present)
        return result, present & result.isna()
    result = None
    for fmt in options["formats"]:
        parsed = _parse_dates(values, fmt)
        result = parsed if result is None else result.fillna(parsed)
    return result, present & result.isna()


CONVERTERS: dict[str, Callable[[pd.Series, dict], tuple[pd.Series, pd.Series]]] = {
    "int": _to_int,
    "float": _to_float,
    "string": _to_string,
    "boolean": _to_boolean,
    "datetime": _to_datetime,
}


def _convert(frame: pd.DataFrame, column: str, conversion: Conversion) -> pd.Series:
    series = frame[column]
    converted, bad = CONVERTERS[conversion.kind](series, conversion.options)
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0])
        raise conversion.origin.error(
            f"cannot convert column {column!r} to {conversion.kind}: the first bad value "
            f"is {series.iloc[row]!r} (row {row}).",
            _FIXES[conversion.kind],
        )
    return converted


def apply(frame: pd.DataFrame, conversions: list[Conversion], origin: Origin) -> pd.DataFrame:
    """Convert the columns in the order written."""
    frame = frame.copy(deep=False)
    for conversion in conversions:
        check_columns(frame, conversion.columns, conversion.origin.child("columns"))
        for column in conversion.columns:
            frame[column] = _convert(frame, column, conversion)
    return frame
