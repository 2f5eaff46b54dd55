"""Outcomes of the checks on the meta datasets: a paired difference over a few splits, better or worse
only beyond its spread, and the table the scripts print."""
from __future__ import annotations

import statistics

import numpy as np


def paired_outcome(differences: list[float]) -> tuple[float, float, str]:
    """Mean and standard deviation of ``differences``, and ``better``, ``worse`` or ``same``."""
    mean, spread = statistics.fmean(differences), statistics.stdev(differences)
    return mean, spread, "better" if mean > spread else "worse" if mean < -spread else "same"


def print_outcomes(header: list[str], rows: list[tuple[list[str], float, float, str]], n_splits: int) -> None:
    """A Markdown table of ``rows`` (label cells, mean, spread, outcome) and the counts of each outcome."""
    print("\n| " + " | ".join(header) + " | outcome |\n|" + "---|" * (len(header) + 1))
    for labels, mean, spread, outcome in rows:
        print(f"| {' | '.join(labels)} | {mean:+.4f} ± {spread:.4f} | {outcome} |")
    counts = {o: sum(r[3] == o for r in rows) for o in ("better", "same", "worse")}
    print(f"\n{counts['better']} better, {counts['same']} same, {counts['worse']} worse beyond the spread "
          f"over {n_splits} splits; median difference {np.median([r[1] for r in rows]):+.4f}.")
