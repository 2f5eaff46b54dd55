"""``InsightSettings`` (``set_insights``): the responsible-AI insights of the best model."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Sequence

from automl.errors import ConfigError
from automl.settings._merge import check_true_or_false

__all__ = ["InsightSettings"]


def _names(setting: str, value: Sequence[str] | None) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str) or not all(isinstance(n, str) and n for n in value):
        raise ConfigError(f"{setting} must be a list of column names, got {value!r}.")
    return list(dict.fromkeys(value))


@dataclass
class InsightSettings:
    """Which responsible-AI insights a job computes for its best model, and on which columns.

    ``enable_insights`` (default False, as Azure's Responsible AI dashboard is added on request; any
    ``set_insights`` call turns it on): per-row explanations, error analysis, counterfactuals and, with
    ``sensitive_features``, fairness, within the job's time budget (tabular jobs).
    ``sensitive_features``: raw columns whose groups the fairness table compares (model inputs or
    not). ``immutable_features``: raw columns counterfactuals never change. Whether the columns
    exist is checked once the data is read, before any trial.
    """

    enable_insights: bool = False
    sensitive_features: list[str] | None = None
    immutable_features: list[str] | None = None

    def normalized(self) -> InsightSettings:
        """A copy with the column lists as lists without repeats."""
        return replace(self, sensitive_features=_names("sensitive_features", self.sensitive_features),
                       immutable_features=_names("immutable_features", self.immutable_features))

    def validate(self) -> None:
        """Raise :class:`~automl.errors.ConfigError` for a flag that is not True or False, or column lists that
        are not lists of names."""
        check_true_or_false("enable_insights", self.enable_insights)
        _names("sensitive_features", self.sensitive_features)
        _names("immutable_features", self.immutable_features)

    def columns(self) -> list[str]:
        """Every column the settings name."""
        return [*(self.sensitive_features or []), *(self.immutable_features or [])]
