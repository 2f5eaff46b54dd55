"""Our search-space domains as optuna distributions."""
from __future__ import annotations

from typing import Any, Mapping

from optuna.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)

from automl.algorithms import Choice, Domain, Float, Int


def to_distribution(domain: Domain) -> BaseDistribution:
    """The optuna distribution of one domain."""
    if isinstance(domain, Float):
        return FloatDistribution(domain.low, domain.high, log=domain.log)
    if isinstance(domain, Int):
        return IntDistribution(domain.low, domain.high, log=domain.log)
    if isinstance(domain, Choice):
        return CategoricalDistribution(list(domain.options))
    raise TypeError(f"Unknown domain {domain!r}")


def to_distributions(space: Mapping[str, Domain]) -> dict[str, BaseDistribution]:
    """Optuna distributions of a whole search space."""
    return {name: to_distribution(domain) for name, domain in space.items()}


def known_params(space: Mapping[str, Domain], params: Mapping[str, Any],
                 defaults: Mapping[str, Any]) -> dict[str, Any] | None:
    """The full point of ``space`` a configuration stands for, or None when it lies outside."""
    point = {}
    for name, domain in space.items():
        value = params.get(name, defaults.get(name))
        if value is None and not (isinstance(domain, Choice) and None in domain.options):
            return None
        if not domain.contains(value):
            return None
        point[name] = value
    return point
