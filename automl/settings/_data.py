"""``DataSettings``: where the data comes from and how it is split (Azure's ``set_data``).

:data:`DATA_SETTINGS` is the one list of the data-setting names: the factories, the
jobs' ``set_data`` and the YAML reader read it from here.
"""
from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any, Sequence

from automl.errors import ConfigError
from automl.settings._merge import check_fraction

__all__ = ["DATA_SETTINGS", "DataSettings", "INPUT_SETTINGS"]


@dataclass
class DataSettings:
    """Where the data comes from and how it is split (``set_data``).

    Attributes mirror Azure's ``set_data``: ``training_data`` (required),
    ``target_column_name`` (required), ``weight_column_name``,
    ``validation_data`` / ``validation_data_size`` / ``n_cross_validations`` /
    ``cv_split_column_names`` (at most one way of validating, except that
    ``validation_data_size`` with ``n_cross_validations`` means Monte Carlo
    cross-validation), and ``test_data`` / ``test_data_size``.
    """

    training_data: Any = None
    target_column_name: str | None = None
    weight_column_name: str | None = None
    validation_data: Any = None
    validation_data_size: float | None = None
    n_cross_validations: int | str | None = None
    cv_split_column_names: Sequence[str] | None = None
    test_data: Any = None
    test_data_size: float | None = None

    def normalized(self) -> DataSettings:
        """A copy with ``n_cross_validations="Auto"`` spelled ``"auto"`` and the split columns as a list."""
        n_cv, columns = self.n_cross_validations, self.cv_split_column_names
        if isinstance(n_cv, str) and n_cv.lower() == "auto":
            n_cv = "auto"
        if columns is not None and not isinstance(columns, str):
            columns = list(columns)
        return replace(self, n_cross_validations=n_cv, cv_split_column_names=columns)

    def validate(self) -> None:
        """Raise :class:`~automl.errors.ConfigError` for contradictory or out-of-range values."""
        for name in ("validation_data_size", "test_data_size"):
            check_fraction(name, getattr(self, name))
        n_cv = self.n_cross_validations
        if isinstance(n_cv, str):
            if n_cv.lower() != "auto":
                raise ConfigError(
                    f"n_cross_validations must be a whole number of at least 2 or 'auto', got {n_cv!r}."
                )
        elif n_cv is not None and (isinstance(n_cv, bool) or not isinstance(n_cv, int) or not 2 <= n_cv <= 1000):
            raise ConfigError(
                f"n_cross_validations must be a whole number from 2 to 1000, got {n_cv!r}: "
                "use at least 2 folds, or validation_data_size for a single holdout."
            )
        for name in ("target_column_name", "weight_column_name"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, str) or not value):
                raise ConfigError(f"{name} must be a column name, got {value!r}.")
        self._validate_combinations()

    def _validate_combinations(self) -> None:
        if self.validation_data is not None and self.n_cross_validations is not None:
            raise ConfigError(
                "Set either validation_data or n_cross_validations, not both: validation_data is a "
                "fixed holdout, n_cross_validations splits the training data into folds."
            )
        if self.validation_data is not None and self.validation_data_size is not None:
            raise ConfigError(
                "Set either validation_data or validation_data_size, not both: validation_data_size "
                "carves the validation rows out of training_data."
            )
        if self.cv_split_column_names is not None:
            if isinstance(self.cv_split_column_names, str) or not self.cv_split_column_names:
                raise ConfigError(
                    "cv_split_column_names must be a non-empty list of column names (one column per fold)."
                )
            others = [n for n in ("validation_data", "validation_data_size", "n_cross_validations")
                      if getattr(self, n) is not None]
            if others:
                raise ConfigError(
                    f"cv_split_column_names defines the folds itself; remove {', '.join(others)}."
                )
        if self.test_data is not None and self.test_data_size is not None:
            raise ConfigError("Set either test_data or test_data_size, not both.")
        if self.cv_split_column_names is not None and (
            self.test_data is not None or self.test_data_size is not None
        ):
            raise ConfigError("test_data / test_data_size cannot be combined with cv_split_column_names.")

    def require_data(self) -> None:
        """Raise :class:`~automl.errors.ConfigError` unless ``training_data`` and ``target_column_name`` are set."""
        for name, example in (("training_data", "a file, a folder, an Input or a DataFrame"),
                              ("target_column_name", "the column to predict")):
            if getattr(self, name) is None:
                raise ConfigError(f"{name} is required: set it to {example} "
                                  f"(in the factory or with job.set_data({name}=...)).")


#: The data settings, in Azure's order: the factories, ``set_data`` and the YAML reader read them here.
DATA_SETTINGS: tuple[str, ...] = tuple(f.name for f in fields(DataSettings))
#: The data settings that hold data (an ``Input``, a path or a DataFrame) rather than a value.
INPUT_SETTINGS: tuple[str, ...] = ("training_data", "validation_data", "test_data")
