"""Check on the meta datasets: whole numbers stored as floats, one-hot encoded, also passed through as their value.

pandas reads an integer column with missing values as floats. Azure's rule still makes it categorical
when it has few values (it is whole numbers), and ``featurizers`` passes categorical integers through as
their value beside the one-hot columns (``featurizers._plan._keeps_order``, checked by
``meta_integer_order.py``). This script measures extending that to float columns of whole numbers, against
the rule limited to integer dtypes (what it was before), with LightGBM's and CatBoost's default parameters
behind our featurization, on three 75/25 splits of every meta dataset where the two differ
(``../shared/datasets/meta``; ``AUTOML_META_DATA`` names another folder), never on the benchmark datasets.

Usage::

    python benchmarks/meta_integer_floats.py
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterable, Iterator
from unittest import mock

import pandas as pd
from pandas.api import types as ptypes

sys.path.insert(0, str(Path(__file__).resolve().parent))
from meta_integer_order import compare_per_learner, held_out, touched_datasets  # noqa: E402

from featurizers import _plan  # noqa: E402

_RULE = _plan._keeps_order


def integer_dtypes_only(values: pd.Series, purpose: str, recipe: str | None, fixed: bool) -> bool:
    """The rule as it was: the value kept for integer dtypes only, not for whole numbers stored as floats."""
    return _RULE(values, purpose, recipe, fixed) and ptypes.is_integer_dtype(values.dtype)


def float_columns(datasets: Iterable[tuple[str, dict, pd.DataFrame, list[str]]]
                  ) -> Iterator[tuple[str, dict, pd.DataFrame, list[str]]]:
    """The datasets among ``datasets`` where the rule touches float columns, with those columns."""
    for name, entry, frame, columns in datasets:
        floats = [c for c in columns if ptypes.is_float_dtype(frame[c].dtype)]
        if floats:
            yield name, entry, frame, floats


def with_floats_and_without(name: str, entry: dict, train: pd.DataFrame, test: pd.DataFrame, learner: str,
                            columns: list[str]) -> tuple[float, float]:
    """The held-out scores with the rule as it is, and with the rule for integer dtypes only."""
    task, target = entry["task"], entry["target"]
    with_floats = held_out(task, train, test, target, learner=learner)
    with mock.patch.object(_plan, "_keeps_order", integer_dtypes_only):
        return with_floats, held_out(task, train, test, target, learner=learner)


def main() -> None:
    compare_per_learner(float_columns(touched_datasets()), with_floats_and_without, "meta_integer_floats.jsonl",
                        ["meta dataset", "float columns of whole numbers", "value kept minus one-hot only"])


if __name__ == "__main__":
    main()
