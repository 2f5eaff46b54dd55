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
