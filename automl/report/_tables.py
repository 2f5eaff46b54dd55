"""Tables of the report: cells carry their shown text, a sort value and a style."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import pandas as pd

from automl.report._safe import fmt_number

__all__ = ["Cell", "Table", "frame_table", "metrics_table", "text_of"]


@dataclass(frozen=True)
class Cell:
    """One table cell: ``text`` shown (escaped by the template), ``sort`` value, css ``kind``."""

    text: str
    sort: Any = None
    kind: str = ""


@dataclass
class Table:
    """A table the template renders; ``sortable`` tables sort on a header click."""

    columns: list[str]
    rows: list[list[Cell]]
    sortable: bool = False
    numeric: set[int] = field(default_factory=set)
    row_keys: list[str] | None = None
    row_kinds: list[str] | None = None


def text_of(value: Any) -> str:
    """A cell's text: lists joined, numbers formatted, missing values as a dash."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return ", ".join(text_of(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {text_of(v)}" for k, v in value.items())
    if isinstance(value, (bool, np.bool_)):
        return "Yes" if value else "No"
    if isinstance(value, (int, float, np.integer, np.floating)):
        return fmt_number(value)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "\u2014"
    return str(value)


def _sort_value(value: Any) -> Any:
    if isinstance(value, (bool, np.bool_)):
        return int(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        value = float(value)
        return value if math.isfinite(value) else None
    return text_of(value)


def frame_table(frame: pd.DataFrame | Sequence[dict] | None, sortable: bool = False) -> Table | None:
    """A table of a DataFrame or of a list of dicts (columns from every row, in order)."""
    if frame is None:
        return None
    if not isinstance(frame, pd.DataFrame):
        frame = pd.DataFrame(list(frame))
    if frame.empty:
        return None
    numeric = {i for i, c in enumerate(frame.columns) if pd.api.types.is_numeric_dtype(frame[c])
               and not pd.api.types.is_bool_dtype(frame[c])}
    rows = [[Cell(text_of(v), _sort_value(v), "num" if i in numeric else "")
             for i, v in enumerate(record)] for record in frame.itertuples(index=False, name=None)]
    return Table([str(c) for c in frame.columns], rows, sortable=sortable, numeric=numeric)


def metrics_table(columns: dict[str, dict[str, float] | None], primary: str) -> Table | None:
    """Metrics as rows, one column per source (``{"Validation": {...}, "Test": {...}}``); primary first."""
    sources = {name: values for name, values in columns.items() if values}
    if not sources:
        return None
    names = list(dict.fromkeys(n for values in sources.values() for n in values))
    names.sort(key=lambda n: (n != primary, n.lower()))
    rows = [[Cell(n, n, "primary" if n == primary else "")]
            + [Cell(fmt_number(values.get(n)), _sort_value(values.get(n)), "num") for values in sources.values()]
            for n in names]
    return Table(["Metric", *sources], rows, numeric=set(range(1, len(sources) + 1)),
                 row_kinds=["primary" if n == primary else "" for n in names])
