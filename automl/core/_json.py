"""Plain JSON-ready copies of results (dataclasses, numpy values), shared by artifacts and the report."""
from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np

__all__ = ["plain"]


def plain(value: Any) -> Any:
    """JSON-ready copy of ``value``: dataclasses, numpy values, NaN and infinities as None.

    Examples
    --------
    >>> plain({"a": np.float32(1.5), "b": [np.nan, (1, 2)]})
    {'a': 1.5, 'b': [None, [1, 2]]}
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return plain(dataclasses.asdict(value))
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return plain(value.tolist())
    if isinstance(value, np.generic):
        return plain(value.item())
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)
