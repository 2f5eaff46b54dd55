"""Validation and test data checked against the training data, before any work.

A model only understands the columns, types and classes it was trained on, so
``validation_data`` and ``test_data`` are brought to the training data's shape
where that is safe (extra columns ignored, numbers stored as text parsed, class
labels of another type converted) and refused with a :class:`DataError` naming
the column and the fix where it is not.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from automl.errors import DataError
from featurizers._numeric import parse_numbers

__all__ = ["conform_to_training", "labels_like_training"]

#: Values shown in an error message at most.
_SHOWN = 3


def _is_number_column(values: pd.Series) -> bool:
    dtype = values.dtype
    return ptypes.is_numeric_dtype(dtype) and not ptypes.is_bool_dtype(dtype)


def _shown(values: pd.Series) -> str:
    plain = (v.item() if isinstance(v, np.generic) else v for v in pd.unique(values)[:_SHOWN])
    return ", ".join(map(repr, plain))


def _numbers_like_training(column: str, values: pd.Series, role: str) -> pd.Series:
    """``values`` as float when they are numbers (stored as text too), else a DataError."""
    parsed = parse_numbers(values)
    bad = np.isnan(parsed) & values.notna().to_numpy()
    if bad.any():
        raise DataError(
            f"{role}: column {column!r} is numeric in training_data but holds {int(bad.sum())} "
            f"value(s) that are not numbers ({_shown(values[bad])}). Clean or remove those values, "
            "or leave them empty to have them imputed.")
    return pd.Series(parsed, index=values.index, name=values.name)


def labels_like_training(target: str, values: pd.Series, train: pd.Series, role: str) -> pd.Series:
    """Class labels of ``values`` in the training labels' type; a label training lacks is a DataError."""
    if _is_number_column(train) and not _is_number_column(values):
        parsed = parse_numbers(values)
        if not np.isnan(parsed).any():
            values = pd.Series(parsed, index=values.index, name=values.name).astype(train.dtype)
    elif not _is_number_column(train) and _is_number_column(values):
        text = {str(v) for v in train.unique()}
        if {str(v) for v in values.unique()} <= text:
            values = values.astype(str)
    unseen = ~values.isin(set(train.unique()))
    if unseen.any():
        raise DataError(
            f"{role}: the target column {target!r} holds class(es) that training_data does not have "
            f"({_shown(values[unseen])}; training classes: {_shown(pd.Series(train.unique()))}"
            f"{'...' if train.nunique() > _SHOWN else ''}). A model can never predict them: remove "
            "those rows or add examples of them to training_data.")
    return values


def conform_to_training(frame: pd.DataFrame, train: pd.DataFrame, target: str, role: str) -> pd.DataFrame:
    """Return ``frame`` (``validation_data`` or ``test_data``) shaped like ``train``.

    Parameters
    ----------
    frame, train : DataFrame
        The other data and the training data, both with the target column.
    target : str
        The target column (left as it is: :func:`labels_like_training` conforms class labels).
    role : str
        ``"validation_data"`` or ``"test_data"``, for the messages.

    Returns
    -------
    DataFrame
        ``frame`` with the training columns in the training order (extra columns
        dropped), numeric columns as numbers.

    Raises
    ------
    DataError
        A training column is missing; a numeric column holds values that are not numbers.
    """
    missing = [c for c in train.columns if c not in frame.columns]
    if missing:
        raise DataError(f"{role} lacks the training column(s) {', '.join(map(repr, missing))}. "
                        "Give it the same columns as training_data.")
    out = frame[list(train.columns)].copy()
    for column in train.columns:
        if column == target:
            continue
        if _is_number_column(train[column]) and not _is_number_column(out[column]):
            out[column] = _numbers_like_training(column, out[column], role)
    return out
