"""A tiny hyper-parameter search-space protocol (after FLAML).

Each algorithm declares its tunable parameters as domains. The search
(``automl.search``) samples from them; the first trial of an algorithm uses its
default configuration.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np


@dataclass(frozen=True)
class Float:
    """A real-valued parameter in ``[low, high]``, sampled on a log scale when ``log``."""

    low: float
    high: float
    log: bool = False

    def sample(self, rng: np.random.Generator) -> float:
        """Draw one value."""
        if self.log:
            return float(math.exp(rng.uniform(math.log(self.low), math.log(self.high))))
        return float(rng.uniform(self.low, self.high))

    def contains(self, value: Any) -> bool:
        """Whether ``value`` lies in the domain."""
        return isinstance(value, (int, float)) and self.low <= value <= self.high


@dataclass(frozen=True)
class Int:
    """A whole-number parameter in ``[low, high]``, sampled on a log scale when ``log``."""

    low: int
    high: int
    log: bool = False

    def sample(self, rng: np.random.Generator) -> int:
        """Draw one value."""
        if self.log:
            value = math.exp(rng.uniform(math.log(self.low), math.log(self.high + 1)))
            return int(min(self.high, max(self.low, math.floor(value))))
        return int(rng.integers(self.low, self.high + 1))

    def contains(self, value: Any) -> bool:
        """Whether ``value`` lies in the domain."""
        return isinstance(value, (int, np.integer)) and self.low <= value <= self.high


@dataclass(frozen=True)
class Choice:
    """A parameter taking one of ``options``."""

    options: Sequence[Any]

    def sample(self, rng: np.random.Generator) -> Any:
        """Draw one value."""
        return self.options[int(rng.integers(len(self.options)))]

    def contains(self, value: Any) -> bool:
        """Whether ``value`` is one of the options."""
        return value in self.options


Domain = Float | Int | Choice


def sample_config(space: dict[str, Domain], rng: np.random.Generator) -> dict[str, Any]:
    """Draw one configuration from ``space``."""
    return {name: domain.sample(rng) for name, domain in space.items()}


#: LightGBM's defaults and search space, the same for both tasks.
LIGHTGBM_DEFAULTS = {"n_estimators": 100, "learning_rate": 0.1, "num_leaves": 31,
                     "min_child_samples": 20, "random_state": 0, "verbose": -1}
LIGHTGBM_SPACE = {"n_estimators": Int(20, 2000, log=True), "num_leaves": Int(4, 512, log=True),
                  "learning_rate": Float(0.01, 0.3, log=True), "min_child_samples": Int(2, 128, log=True),
                  "colsample_bytree": Float(0.3, 1.0), "subsample": Float(0.5, 1.0),
                  "reg_lambda": Float(1e-3, 10.0, log=True)}
#: What a seed variant of a booster configuration sets (below the configuration's own values):
#: LightGBM bags rows only with ``subsample_freq`` set, and neither booster draws anything at random
#: on its defaults, so a variant with another seed alone would be the same model.
LIGHTGBM_VARIANT = {"subsample": 0.8, "subsample_freq": 1}
BOOSTING_VARIANT = {"subsample": 0.8}
#: Forests draw rows and features from their seed: another seed is a variant.
SEED_VARIANT: dict = {}
#: XGBoost's defaults and search space, the same for both tasks.
XGBOOST_DEFAULTS = {"n_estimators": 100, "max_depth": 6, "learning_rate": 0.1, "tree_method": "hist",
                    "random_state": 0, "verbosity": 0}
XGBOOST_SPACE = {"n_estimators": Int(20, 2000, log=True), "max_depth": Int(2, 12),
                 "learning_rate": Float(0.01, 0.3, log=True), "min_child_weight": Float(0.01, 20.0, log=True),
                 "colsample_bytree": Float(0.3, 1.0), "subsample": Float(0.5, 1.0),
                 "reg_lambda": Float(1e-3, 10.0, log=True)}
#: CatBoost's defaults and search space, the same for both tasks: CatBoost's own depth and learning
#: rate (chosen from the data when not given), fewer rounds than its 1000, and never a file written
#: or a line printed. The seed is ``random_state`` (CatBoost's synonym of ``random_seed``), the name a
#: seed variant sets: CatBoost refuses both at once.
CATBOOST_DEFAULTS = {"iterations": 500, "depth": 6, "random_state": 0, "verbose": False,
                     "allow_writing_files": False}
CATBOOST_SPACE = {"iterations": Int(50, 2000, log=True), "depth": Int(3, 10),
                  "learning_rate": Float(0.01, 0.3, log=True), "l2_leaf_reg": Float(0.5, 30.0, log=True),
                  "random_strength": Float(0.1, 10.0, log=True)}
#: Forests: the same space for random forests and extremely randomised trees.
FOREST_SPACE = {"n_estimators": Int(10, 500, log=True), "max_features": Float(0.1, 1.0),
                "min_samples_leaf": Int(1, 32, log=True)}
GRADIENT_BOOSTING_SPACE = {"n_estimators": Int(20, 500, log=True), "max_depth": Int(2, 8),
                           "learning_rate": Float(0.01, 0.3, log=True), "subsample": Float(0.5, 1.0)}
