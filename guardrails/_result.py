"""What a guardrail reports: a name, a status, a description and a small details table."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["PASSED", "DONE", "ALERTED", "STATUSES", "GuardrailResult"]

#: No problem found.
PASSED = "Passed"
#: A problem was found and AutoML changed the data to handle it: review it.
DONE = "Done"
#: A problem was found and not remedied: consider fixing the data or the settings.
ALERTED = "Alerted"
STATUSES = (PASSED, DONE, ALERTED)


@dataclass
class GuardrailResult:
    """The outcome of one guardrail.

    Parameters
    ----------
    name : str
        Azure's guardrail name, e.g. ``"Missing feature values imputation"``.
    status : {"Passed", "Done", "Alerted"}
    description : str
        What was found and what was done, in a sentence or two.
    details : list of dict
        A small table (one dict per row, same keys in every row); empty when there is none.

    Examples
    --------
    >>> GuardrailResult("Class balancing detection", PASSED, "All classes are balanced.").to_dict()
    {'name': 'Class balancing detection', 'status': 'Passed', 'description': 'All classes are balanced.', 'details': []}
    """

    name: str
    status: str
    description: str
    details: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"GuardrailResult status must be one of {STATUSES}, got {self.status!r}.")

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready plain data."""
        return asdict(self)
