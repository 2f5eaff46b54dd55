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

PORTFOLIO_FILE = Path(__file__).with_name("portfolio.json")


@lru_cache(maxsize=4)
def _load(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def portfolio_configs(task: str, path: Path = PORTFOLIO_FILE) -> list[dict[str, Any]]:
    """Learned starting configurations of ``task``, best first: ``{"algorithm", "params"}``."""
    if not path.exists():
        return []
    return list(_load(str(path)).get("configs", {}).get(task, []))


def relative_costs(path: Path = PORTFOLIO_FILE) -> dict[str, float]:
    """Typical trial time of each algorithm relative to LightGBM (1.0)."""
    if not path.exists():
        return {}
    return dict(_load(str(path)).get("costs", {}))
