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
from unittest import mock

import pandas as pd
from pandas.api import types as ptypes

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _data import append_result  # noqa: E402
from _meta_outcome import paired_outcome, print_outcomes  # noqa: E402
from meta_integer_order import LEARNERS, SEEDS, held_out, split, touched_datasets  # noqa: E402

from featurizers import _plan  # noqa: E402

_RULE = _plan._keeps_order


def integer_dtypes_only(values: pd.Series, purpose: str, recipe: str | None, fixed: bool) -> bool:
    """The rule as it was: the value kept for integer dtypes only, not for whole numbers stored as floats."""
    return _RULE(values, purpose, recipe, fixed) and ptypes.is_integer_dtype(values.dtype)


def main() -> None:
    rows = {learner: [] for learner in LEARNERS}
    for name, entry, frame, columns in touched_datasets():
        floats = [c for c in columns if ptypes.is_float_dtype(frame[c].dtype)]
        if not floats:
            continue
        for learner in LEARNERS:
            differences = []
            for seed in SEEDS:
                train, test = split(frame, entry, seed)
                with_floats = held_out(entry["task"], train, test, entry["target"], learner=learner)
                with mock.patch.object(_plan, "_keeps_order", integer_dtypes_only):
                    without = held_out(entry["task"], train, test, entry["target"], learner=learner)
                differences.append(with_floats - without)
            mean, spread, outcome = paired_outcome(differences)
            rows[learner].append(([name, str(len(floats))], mean, spread, outcome))
            append_result("meta_integer_floats.jsonl", {
                "dataset": name, "learner": learner, "columns": floats, "differences": differences,
                "outcome": outcome})
            print(f"{name} {learner}: {len(floats)} column(s), {mean:+.4f} ± {spread:.4f} {outcome}", flush=True)
    for learner, learner_rows in rows.items():
        print(f"\n{learner}:")
        print_outcomes(["meta dataset", "float columns of whole numbers", "value kept minus one-hot only"],
                       learner_rows, len(SEEDS))


if __name__ == "__main__":
    main()
