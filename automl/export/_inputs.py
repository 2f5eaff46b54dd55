"""The inputs of an exported graph: one per raw column, and how to feed raw rows to them.

Each raw column the datatransformer saw becomes one graph input of shape
``[N, 1]``, typed by how the featurization reads it:

- ``"number"`` (double): numeric columns; missing values are ``NaN``. Double,
  not float32: the Python model reads them as float64, and a float32 input would
  round values such as 7.925 differently from the model's own arithmetic, which
  moves rows across tree thresholds;
- ``"string"``: categorical and text columns, and columns the featurization
  drops; missing values are the empty string ``""``;
- ``"datetime"`` (float64): date-time columns as seconds since the epoch
  (ONNX cannot parse dates); missing values are ``NaN``.

:func:`onnx_feed` turns a DataFrame of raw rows into that feed dictionary with
the featurizers' own casts, so Python and ONNX see the same values. An input is
named like its column, but for a column named like an output (``label``,
``probabilities``, ``variable``), whose input is ``label_input`` and so on
(:func:`graph_input_names`).
"""
from __future__ import annotations

from typing import Any, Iterable

import numpy as np
import pandas as pd
from pandas.api import types as ptypes
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline

from featurizers import DateTimeFeatures, HashOneHotEncoder, NumericCast, StringCast
from featurizers._datetime import parse_datetime
from featurizers._numeric import column_to_float, finite_or_nan
from featurizers._strings import MAX_EXACT_INT, column_to_str

NUMBER, STRING, DATETIME = "number", "string", "datetime"
#: The graph's outputs: labels and class probabilities (classification), values (regression).
LABEL, PROBABILITIES, VALUE = "label", "probabilities", "variable"
#: What a missing value of a string input is fed as.
MISSING_STRING = ""
#: Frames up to this many rows take the direct path for plain columns (single-row latency).
PLAIN_PATH_ROWS = 64


def graph_input_names(columns: Iterable[str]) -> dict[str, str]:
    """The graph input of each raw column: the column's own name, but for a column named like an
    output (``label``, ``probabilities``, ``variable``: ONNX names are unique in a graph), which
    gets ``_input`` appended (and underscores before that until no column has the name)."""
    names = [str(c) for c in columns]
    taken = set(names) | {LABEL, PROBABILITIES, VALUE}
    inputs = {}
    for column in names:
        name = column
        if column in (LABEL, PROBABILITIES, VALUE):
            name = f"{column}_input"
            while name in taken:
                name = f"{column}_{name[len(column):]}"
            taken.add(name)
        inputs[column] = name
    return inputs


def _first_step(transformer: Any) -> Any:
    while isinstance(transformer, Pipeline):
        transformer = transformer.steps[0][1]
    return transformer


def _kind_of(transformer: Any) -> str | None:
    first = _first_step(transformer)
    if isinstance(first, (StringCast, HashOneHotEncoder)):
        return STRING
    if isinstance(first, DateTimeFeatures):
        return DATETIME
    if isinstance(first, NumericCast):
        return NUMBER
    return None


def input_kinds(transformer: ColumnTransformer, X: pd.DataFrame | None = None) -> dict[str, str]:
    """The kind of each raw column, in the order the datatransformer was fitted on.

    Parameters
    ----------
    transformer : ColumnTransformer
        The fitted ``datatransformer`` step.
    X : DataFrame, optional
        Raw rows, to type the columns no step reads (numeric dtype: number, else string).

    Returns
    -------
    dict of str to {"number", "string", "datetime"}
    """
    columns = [str(c) for c in getattr(transformer, "feature_names_in_", [])]
    if not columns and X is not None:
        columns = [str(c) for c in X.columns]
    kinds: dict[str, str] = {}
    for _, step, selected in transformer.transformers_:
        if isinstance(step, str):
            continue
        kind = _kind_of(step)
        for column in ([selected] if isinstance(selected, str) else list(selected)):
            if isinstance(column, str) and kind is not None:
                kinds[column] = kind
    out = {}
    for column in columns:
        if column in kinds:
            out[column] = kinds[column]
        elif X is not None and column in X.columns and ptypes.is_numeric_dtype(X[column].dtype) \
                and not ptypes.is_bool_dtype(X[column].dtype):
            out[column] = NUMBER
        else:
            out[column] = STRING
    return out


def _epoch_seconds(values: pd.Series) -> np.ndarray:
    stamps = parse_datetime(values.reset_index(drop=True))
    seconds = (stamps - pd.Timestamp(0)).dt.total_seconds()
    return seconds.to_numpy(dtype=np.float64, na_value=np.nan)


def _plain_column(values: pd.Series, kind: str) -> np.ndarray | None:
    """The feed of a column whose dtype has a direct exact path, else None.

    Numbers in a numpy dtype and strings without missing values need none of the
    casts' checks; skipping them is what makes a single row fast. Anything else
    (missing strings, categories, dates, numbers held as text) goes the general way.
    """
    dtype = values.dtype
    if kind == NUMBER and isinstance(dtype, np.dtype) and dtype.kind in "fiu":
        return finite_or_nan(values.to_numpy(dtype=np.float64, copy=True))
    if kind == STRING and (dtype == object or isinstance(dtype, pd.StringDtype)):
        cells = values.to_numpy(dtype=object)
        if all(type(v) is str for v in cells):
            return cells
    return None


def _list_feed(values: list, kind: str) -> np.ndarray | None:
    """The feed of a column given as a JSON list, the same as :func:`onnx_feed` gives for it in a
    DataFrame; None for a number or date column that is not plain (its values need checking)."""
    if kind == NUMBER:
        if not all(v is None or type(v) in (int, float) for v in values):  # bools and text go the general way
            return None
        return finite_or_nan(np.array([np.nan if v is None else v for v in values], dtype=np.float64))
    if kind == STRING:
        if all(type(v) is str or (type(v) is int and abs(v) < MAX_EXACT_INT) for v in values):
            return np.array([str(v) for v in values], dtype=object)  # as column_to_str prints integers
        return _column_feed(pd.Series(values), kind, small=True, object_strings=True)  # numbers as categories
    return None


def plain_feed(columns: list[str], data: list[list], kinds: dict[str, str]) -> dict[str, np.ndarray] | None:
    """The feed of :func:`onnx_feed` (with ``object_strings``) straight from rows given as lists,
    without a DataFrame; None unless the columns are exactly those of ``kinds``, there are 1 to
    :data:`PLAIN_PATH_ROWS` rows, and every number column holds numbers (or nulls) and no column
    holds dates.

    The values are those :func:`onnx_feed` gives for ``pd.DataFrame(data, columns=columns)``;
    this path exists because building that frame costs more than scoring a row.
    """
    if not 0 < len(data) <= PLAIN_PATH_ROWS or len(columns) != len(kinds) or set(columns) != set(kinds):
        return None
    position = {name: i for i, name in enumerate(columns)}
    inputs = graph_input_names(kinds)
    feed = {}
    for column, kind in kinds.items():
        at = position[column]
        out = _list_feed([row[at] for row in data], kind)
        if out is None:
            return None
        feed[inputs[column]] = out.reshape(-1, 1)
    return feed


def onnx_feed(X: pd.DataFrame, kinds: dict[str, str], *, object_strings: bool = False) -> dict[str, np.ndarray]:
    """The feed dictionary of an exported graph for the raw rows ``X``.

    Parameters
    ----------
    X : DataFrame
        Raw rows with (at least) the columns of ``kinds``.
    kinds : dict of str to str
        :func:`input_kinds` of the exported model (also stored in the graph's
        metadata under ``automl.inputs``).
    object_strings : bool, default=False
        String inputs as object arrays (onnxruntime takes them as they are; a
        numpy unicode copy costs a third of the time of scoring a large batch).

    Returns
    -------
    dict of str to ndarray of shape (n_rows, 1)
        Keyed by graph input (:func:`graph_input_names`: the column names but for a column named
        like an output).
    """
    small = len(X) <= PLAIN_PATH_ROWS
    inputs = graph_input_names(kinds)
    return {inputs[column]: _column_feed(X[column], kind, small, object_strings).reshape(-1, 1)
            for column, kind in kinds.items()}


def _column_feed(values: pd.Series, kind: str, small: bool, object_strings: bool) -> np.ndarray:
    """One column's feed (1-D), with the featurizers' casts."""
    plain = _plain_column(values, kind) if small else None
    if plain is not None:
        out = plain
    elif kind == NUMBER:
        out = column_to_float(values)
    elif kind == DATETIME:
        out = _epoch_seconds(values)
    else:
        out = column_to_str(values, MISSING_STRING)
    return out.astype(str) if kind == STRING and not object_strings else out
