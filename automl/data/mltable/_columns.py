"""Column checks shared by the table transformations."""
from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from automl.data.mltable._combine import SOURCE_COLUMN
from automl.data.mltable._origin import Origin, format_names
from automl.errors import DataError, did_you_mean

__all__ = ["check_columns", "visible_columns"]


def visible_columns(frame: pd.DataFrame) -> list[str]:
    """The columns a user can name (the hidden source-path column excluded)."""
    return [c for c in frame.columns if c != SOURCE_COLUMN]


def check_columns(frame: pd.DataFrame, names: Iterable[str], origin: Origin) -> None:
    """Raise a DataError naming the first of ``names`` that ``frame`` lacks.

    The message suggests close column names and lists the available ones.
    """
    available = visible_columns(frame)
    present = set(available)
    for name in names:
        if name not in present:
            raise _missing(name, available, origin)


def _missing(name: str, available: list[str], origin: Origin) -> DataError:
    return origin.error(
        f"column {name!r} does not exist.{did_you_mean(name, available)}",
        f"Available columns: {format_names(available)}.",
    )
