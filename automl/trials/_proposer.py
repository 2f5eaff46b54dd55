"""What a trial runner asks of a search strategy (``automl.search`` implements it)."""
from __future__ import annotations

from typing import Protocol

from automl.trials._trial import TrialResult, TrialSpec


class TrialProposer(Protocol):
    """Proposes trials and learns from their results."""

    def propose(self, iteration: int, name: str) -> TrialSpec | None:
        """The next trial, or None when there is nothing left to try."""

    def observe(self, result: TrialResult) -> None:
        """Learn from a finished trial."""
