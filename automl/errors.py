"""The one exception hierarchy of automl-studio.

Every error a user can cause is raised as a subclass of :class:`AutoMLError`
with a message that names the setting, file or column at fault and says how to
fix it. Catch ``automl.errors.AutoMLError`` to handle all of them.
"""
from __future__ import annotations

import difflib
from typing import Iterable

__all__ = [
    "AutoMLError",
    "ConfigError",
    "DataError",
    "TrialError",
    "close_matches",
]


class AutoMLError(Exception):
    """Base class of every error raised by automl-studio on purpose."""


class ConfigError(AutoMLError, ValueError):
    """A job setting is invalid (unknown name, out of range, contradictory)."""


class DataError(AutoMLError, ValueError):
    """Input data cannot be used as given (missing file or column, wrong type, empty)."""


class TrialError(AutoMLError, RuntimeError):
    """A trial failed; the job records it and goes on."""


def close_matches(name: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """Return up to ``n`` candidates that look like ``name`` (case-insensitive)."""
    candidates = list(candidates)
    lowered = {str(c).lower(): c for c in candidates}
    hits = difflib.get_close_matches(str(name).lower(), list(lowered), n=n, cutoff=0.6)
    return [lowered[h] for h in hits]


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """A ``" Did you mean 'x'?"`` suffix, or an empty string when nothing is close."""
    hits = close_matches(name, candidates)
    if not hits:
        return ""
    return " Did you mean " + " or ".join(repr(h) for h in hits) + "?"
