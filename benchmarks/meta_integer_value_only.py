"""Check on the meta datasets: do integer columns that Azure's rule makes categorical need one-hot columns
at all, beside their value?

``featurizers`` passes an integer column with few values through as a number *and* one-hot encodes it
(``featurizers._plan._keeps_order``, checked by ``meta_integer_order.py``). This script compares that
against the value alone (the column declared ``Numeric``), with LightGBM's and CatBoost's default
parameters behind our featurization, on three 75/25 splits of every meta dataset the rule touches
(``../shared/datasets/meta``; ``AUTOML_META_DATA`` names another folder), never on the benchmark
datasets.

Usage::

    python benchmarks/meta_integer_value_only.py
"""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from meta_integer_order import compare_per_learner, held_out, touched_datasets  # noqa: E402


def value_only_and_both(name: str, entry: dict, train: pd.DataFrame, test: pd.DataFrame, learner: str,
                        columns: list[str]) -> tuple[float, float]:
    """The held-out scores with the integer ``columns`` declared Numeric, and with today's featurization."""
    task, target = entry["task"], entry["target"]
    return (held_out(task, train, test, target, learner=learner, numeric=columns),
            held_out(task, train, test, target, learner=learner))


def main() -> None:
    compare_per_learner(touched_datasets(), value_only_and_both, "meta_integer_value_only.jsonl",
                        ["meta dataset", "integer columns", "value only minus value + one-hot"])


if __name__ == "__main__":
    main()
