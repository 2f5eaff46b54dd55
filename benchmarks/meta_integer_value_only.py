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

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _data import append_result  # noqa: E402
from _meta_outcome import paired_outcome, print_outcomes  # noqa: E402
from meta_integer_order import LEARNERS, SEEDS, held_out, split, touched_datasets  # noqa: E402


def main() -> None:
    rows = {learner: [] for learner in LEARNERS}
    for name, entry, frame, columns in touched_datasets():
        for learner in LEARNERS:
            differences = []
            for seed in SEEDS:
                train, test = split(frame, entry, seed)
                value_only = held_out(entry["task"], train, test, entry["target"], learner=learner, numeric=columns)
                both = held_out(entry["task"], train, test, entry["target"], learner=learner)
                differences.append(value_only - both)
            mean, spread, outcome = paired_outcome(differences)
            rows[learner].append(([name, str(len(columns))], mean, spread, outcome))
            append_result("meta_integer_value_only.jsonl", {
                "dataset": name, "learner": learner, "columns": columns, "differences": differences,
                "outcome": outcome})
            print(f"{name} {learner}: {len(columns)} column(s), {mean:+.4f} ± {spread:.4f} {outcome}", flush=True)
    for learner, learner_rows in rows.items():
        print(f"\n{learner}:")
        print_outcomes(["meta dataset", "integer columns", "value only minus value + one-hot"],
                       learner_rows, len(SEEDS))


if __name__ == "__main__":
    main()
