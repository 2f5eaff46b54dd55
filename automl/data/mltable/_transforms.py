"""The table transformations of an MLTable, as one registry.

Each entry validates its YAML value once, when the MLTable is loaded
(``parse``), and transforms the DataFrame when it is read (``apply``).
Transformations run in the order they are written.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from automl.data.mltable import _column_types, _filter, _partition
from automl.data.mltable._columns import check_columns
from automl.data.mltable._combine import SOURCE_COLUMN
from automl.data.mltable._options import Option, check_value, parse_options
from automl.data.mltable._origin import Origin

__all__ = ["TRANSFORMS", "Transform"]


@dataclass(frozen=True)
class Transform:
    """A table transformation: ``parse(value, origin)`` then ``apply(frame, args, origin)``."""

    parse: Callable[[Any, Origin], Any]
    apply: Callable[[pd.DataFrame, Any, Origin], pd.DataFrame]


_COUNT = Option("int", minimum=0)
_COLUMNS = Option("str_list")
_SAMPLE_OPTIONS = {
    "probability": Option("number", required=True, minimum=0.0, maximum=1.0),
    "seed": Option("int"),
}


def _parse_count(value: Any, origin: Origin) -> int:
    return check_value(value, _COUNT, origin)


def _parse_columns(value: Any, origin: Origin) -> list[str]:
    return check_value(value, _COLUMNS, origin)


def _take(frame: pd.DataFrame, n: int, origin: Origin) -> pd.DataFrame:
    return frame.iloc[:n]


def _skip(frame: pd.DataFrame, n: int, origin: Origin) -> pd.DataFrame:
    return frame.iloc[n:].reset_index(drop=True)


def _parse_sample(value: Any, origin: Origin) -> dict:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = {"probability": value}  # `take_random_sample: 0.1` shorthand
    return parse_options(value, _SAMPLE_OPTIONS, origin)


def _take_random_sample(frame: pd.DataFrame, args: dict, origin: Origin) -> pd.DataFrame:
    """Keep each row with the given probability (Bernoulli sampling)."""
    rng = np.random.default_rng(args["seed"])
    keep = rng.random(len(frame)) < args["probability"]
    return frame.loc[keep].reset_index(drop=True)


def _drop_columns(frame: pd.DataFrame, names: list[str], origin: Origin) -> pd.DataFrame:
    check_columns(frame, names, origin)
    return frame.drop(columns=names)


def _keep_columns(frame: pd.DataFrame, names: list[str], origin: Origin) -> pd.DataFrame:
    """Keep ``names`` in the order given (and the hidden source column, if any)."""
    check_columns(frame, names, origin)
    hidden = [SOURCE_COLUMN] if SOURCE_COLUMN in frame.columns else []
    return frame[list(dict.fromkeys(names)) + hidden]


TRANSFORMS: dict[str, Transform] = {
    "take": Transform(_parse_count, _take),
    "take_random_sample": Transform(_parse_sample, _take_random_sample),
    "skip": Transform(_parse_count, _skip),
    "drop_columns": Transform(_parse_columns, _drop_columns),
    "keep_columns": Transform(_parse_columns, _keep_columns),
    "convert_column_types": Transform(_column_types.parse, _column_types.apply),
    "filter": Transform(_filter.parse, _filter.apply),
    "extract_columns_from_partition_format": Transform(_partition.parse, _partition.apply),
}
