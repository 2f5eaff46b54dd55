"""Name normalisation shared by metrics, algorithms and enum-like settings.

Azure accepts ``AUC_weighted``, ``auc_weighted``, ``AUCWeighted`` and
``NormalizedRootMeanSquaredError`` for the same metric, and ``LightGBM`` or
``light_gbm`` for the same algorithm. We reduce every spelling to one key:
lower-case letters and digits only.
"""
from __future__ import annotations

import re
from typing import Mapping, TypeVar

from automl.errors import ConfigError, did_you_mean

T = TypeVar("T")

_NON_ALNUM = re.compile(r"[^0-9a-z]")


def name_key(name: str) -> str:
    """Reduce a camel, snake or mixed-case name to its comparison key.

    >>> name_key("AUC_weighted") == name_key("AUCWeighted") == name_key("auc_weighted")
    True
    >>> name_key("light_gbm") == name_key("LightGBM")
    True
    """
    return _NON_ALNUM.sub("", str(name).lower())


def resolve_name(name: str, table: Mapping[str, T], *, what: str, setting: str) -> str:
    """Return the canonical key of ``table`` that ``name`` spells.

    Raises
    ------
    ConfigError
        When ``name`` matches no entry; the message lists the valid names.
    """
    if not isinstance(name, str):
        raise ConfigError(f"{setting}: expected a {what} name as a string, got {name!r}.")
    wanted = name_key(name)
    for canonical in table:
        if name_key(canonical) == wanted:
            return canonical
    valid = ", ".join(sorted(table))
    raise ConfigError(
        f"{setting}: unknown {what} {name!r}.{did_you_mean(name, table)} Valid {what}s: {valid}."
    )
