"""What every settings dataclass shares: the merge rule of Azure's setters and value checks.

Every setter of a job is merge-style, as in Azure's SDK: an argument left ``None``
keeps the value already set. :func:`merge` implements that rule: it copies the
dataclass with the changes, puts values in their canonical form (``normalized``) and
checks the copy (``validate``). ``validate`` only reads: it raises
:class:`~automl.errors.ConfigError` and never changes what it checks.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Protocol, TypeVar

from automl.errors import ConfigError, did_you_mean

__all__ = ["Settings", "check_fraction", "check_positive_number", "check_true_or_false", "merge"]


class Settings(Protocol):
    """A settings dataclass: a canonical copy of itself, and a read-only check."""

    def normalized(self) -> Settings:
        """A copy with values in canonical form (``"Auto"`` -> ``"auto"``, a name -> a list)."""

    def validate(self) -> None:
        """Raise :class:`~automl.errors.ConfigError` for a bad value; change nothing."""


S = TypeVar("S", bound=Settings)


def merge(current: S, **changes: Any) -> S:
    """A checked copy of the dataclass ``current`` with the non-``None`` ``changes``.

    Raises
    ------
    ConfigError
        An unknown setting (with the closest valid name), or a value the dataclass refuses.
    """
    known = {f.name for f in dataclasses.fields(current)}
    unknown = sorted(set(changes) - known)
    if unknown:
        raise ConfigError(
            f"Unknown setting(s) {', '.join(unknown)}.{did_you_mean(unknown[0], known)} "
            f"Valid settings: {', '.join(sorted(known))}."
        )
    kept = {k: v for k, v in changes.items() if v is not None}
    updated = dataclasses.replace(current, **kept).normalized()
    updated.validate()
    return updated


def check_positive_number(setting: str, value: Any, *, integer: bool = False) -> None:
    """Refuse a value that is not a positive number (or whole number); None passes."""
    if value is None:
        return
    kinds = (int,) if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds) or value <= 0:
        kind = "a positive whole number" if integer else "a positive number"
        raise ConfigError(f"{setting} must be {kind}, got {value!r}.")


def check_fraction(setting: str, value: Any) -> None:
    """Refuse a value that is not a fraction strictly between 0 and 1; None passes."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))
                              or not 0 < value < 1):
        raise ConfigError(f"{setting} must be a fraction strictly between 0 and 1 (e.g. 0.1), got {value!r}.")


def check_true_or_false(setting: str, value: Any) -> None:
    """Refuse anything but a bool."""
    if not isinstance(value, bool):
        raise ConfigError(f"{setting} must be True or False, got {value!r}.")
