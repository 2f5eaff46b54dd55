"""The one error type of the featurizers package."""
from __future__ import annotations

import difflib
from typing import Iterable

__all__ = ["FeaturizationConfigError", "did_you_mean"]


class FeaturizationConfigError(ValueError):
    """A featurization setting or column cannot be used as given.

    The message names the column or setting at fault and says how to fix it.
    ``automl`` wraps it into ``automl.errors.ConfigError``; standalone users can
    catch it as a ``ValueError``.
    """


def did_you_mean(name: object, candidates: Iterable[object]) -> str:
    """Return a ``" Did you mean 'x'?"`` suffix, or ``""`` when nothing is close."""
    lowered = {str(c).lower(): c for c in candidates}
    hits = difflib.get_close_matches(str(name).lower(), list(lowered), n=3, cutoff=0.6)
    if not hits:
        return ""
    return " Did you mean " + " or ".join(repr(lowered[h]) for h in hits) + "?"
