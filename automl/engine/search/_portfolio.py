"""Starting configurations kept as data (``portfolio.json``).

The file is written by ``benchmarks/learn_portfolio.py`` from experiments on
``shared/datasets/meta`` only (never on the benchmark datasets). Each entry is
an algorithm name and parameters; ``costs`` holds each algorithm's typical
trial time relative to LightGBM, used to weigh expected improvement by cost.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from automl.errors import AutoMLError

PORTFOLIO_FILE = Path(__file__).with_name("portfolio.json")


@lru_cache(maxsize=4)
def _load(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def _portfolio(path: Path) -> dict[str, Any]:
    """The portfolio file's content; a missing file is an error (it ships with the package, and a job
    without it would quietly search from the defaults alone)."""
    if not path.exists():
        raise AutoMLError(f"The learned portfolio {path} is missing: automl-studio ships it with the package. "
                          "Reinstall automl-studio, or in a checkout restore it from git or write it with "
                          "benchmarks/learn_portfolio.py.")
    return _load(str(path))


def portfolio_configs(task: str, path: Path = PORTFOLIO_FILE) -> list[dict[str, Any]]:
    """Learned starting configurations of ``task``, best first: ``{"algorithm", "params"}``.

    Raises
    ------
    AutoMLError
        When the portfolio file is missing.
    """
    return list(_portfolio(path).get("configs", {}).get(task, []))


def relative_costs(path: Path = PORTFOLIO_FILE) -> dict[str, float]:
    """Typical trial time of each algorithm relative to LightGBM (1.0).

    Raises
    ------
    AutoMLError
        When the portfolio file is missing.
    """
    return dict(_portfolio(path).get("costs", {}))
