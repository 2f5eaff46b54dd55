"""Job settings: one dataclass per setter, documented and validated once.

Every setter of a job is merge-style, as in Azure's SDK: an argument left
``None`` keeps the value already set. :func:`merge` implements that rule and
each dataclass validates itself in ``validate`` so a bad value is reported with
the name of the setting and how to fix it.
"""
from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from automl._naming import name_key
from automl.errors import ConfigError, did_you_mean

__all__ = [
    "DataSettings",
    "LimitSettings",
    "TrainingSettings",
    "FeaturizationSettings",
    "StackEnsembleSettings",
    "merge",
]

#: Where Azure's sources conflict we choose what suits a laptop (see README, "Defaults").
DEFAULT_TIMEOUT_MINUTES = 60.0
DEFAULT_TRIAL_TIMEOUT_MINUTES = 30.0
DEFAULT_MAX_TRIALS = 1000


def merge(current: Any, **changes: Any) -> Any:
    """Return a copy of the dataclass ``current`` with the non-``None`` ``changes``."""
    known = {f.name for f in dataclasses.fields(current)}
    unknown = sorted(set(changes) - known)
    if unknown:
        raise ConfigError(
            f"Unknown setting(s) {', '.join(unknown)}.{did_you_mean(unknown[0], known)} "
            f"Valid settings: {', '.join(sorted(known))}."
        )
    kept = {k: v for k, v in changes.items() if v is not None}
    updated = dataclasses.replace(current, **kept)
    updated.validate()
    return updated


def _check_positive_number(setting: str, value: Any, *, integer: bool = False) -> None:
    if value is None:
        return
    kinds = (int,) if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds) or value <= 0:
        kind = "a positive whole number" if integer else "a positive number"
        raise ConfigError(f"{setting} must be {kind}, got {value!r}.")


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

    def validate(self) -> None:
        """Raise :class:`~automl.errors.ConfigError` for contradictory or out-of-range values."""
        for name in ("validation_data_size", "test_data_size"):
            value = getattr(self, name)
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < 1
            ):
                raise ConfigError(
                    f"{name} must be a fraction strictly between 0 and 1 (e.g. 0.1), got {value!r}."
                )
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
        if self.validation_data is not None and n_cv is not None:
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


@dataclass
class LimitSettings:
    """Time and trial limits (``set_limits``).

    Defaults: ``timeout_minutes`` 60 and ``trial_timeout_minutes`` 30 (Azure's
    sources say 6 days / 30 days or 360 / 30 minutes; a laptop wants the short
    ones), ``max_trials`` 1000, ``max_concurrent_trials`` None (the machine's
    cores, at most ``max_trials``), ``max_cores_per_trial`` -1 (the cores divided
    among concurrent trials), ``enable_early_termination`` True. A trial never
    runs past the job's own timeout, whatever ``trial_timeout_minutes`` says.
    """

    timeout_minutes: float = DEFAULT_TIMEOUT_MINUTES
    trial_timeout_minutes: float = DEFAULT_TRIAL_TIMEOUT_MINUTES
    max_trials: int = DEFAULT_MAX_TRIALS
    max_concurrent_trials: int | None = None
    max_cores_per_trial: int = -1
    enable_early_termination: bool = True
    exit_score: float | None = None
    max_nodes: int = 1

    def validate(self) -> None:
        """Raise :class:`~automl.errors.ConfigError` for an out-of-range limit."""
        _check_positive_number("timeout_minutes", self.timeout_minutes)
        _check_positive_number("trial_timeout_minutes", self.trial_timeout_minutes)
        _check_positive_number("max_trials", self.max_trials, integer=True)
        _check_positive_number("max_concurrent_trials", self.max_concurrent_trials, integer=True)
        if self.max_concurrent_trials is not None and self.max_concurrent_trials > self.max_trials:
            raise ConfigError(
                f"max_concurrent_trials ({self.max_concurrent_trials}) is above max_trials "
                f"({self.max_trials}): at most max_trials trials can run at once. Lower it or raise max_trials.")
        _check_positive_number("max_nodes", self.max_nodes, integer=True)
        cores = self.max_cores_per_trial
        if isinstance(cores, bool) or not isinstance(cores, int) or (cores != -1 and cores < 1):
            raise ConfigError(f"max_cores_per_trial must be -1 (all cores) or at least 1, got {cores!r}.")
        if not isinstance(self.enable_early_termination, bool):
            raise ConfigError("enable_early_termination must be True or False.")
        if self.exit_score is not None and (
            isinstance(self.exit_score, bool) or not isinstance(self.exit_score, (int, float))
        ):
            raise ConfigError(f"exit_score must be a number, got {self.exit_score!r}.")

    def concurrent_trials(self) -> int:
        """Trials run at once: ``max_concurrent_trials``, or this machine's cores."""
        if self.max_concurrent_trials is not None:
            return self.max_concurrent_trials
        return max(1, min(os.cpu_count() or 1, self.max_trials))

    def cores_per_trial(self) -> int:
        """The number of cores one trial may use on this machine."""
        available = os.cpu_count() or 1
        if self.max_cores_per_trial == -1:
            return max(1, available // self.concurrent_trials())
        return min(self.max_cores_per_trial, available)


@dataclass
class StackEnsembleSettings:
    """Settings of the StackEnsemble meta learner (Azure's ``StackEnsembleSettings``)."""

    stack_meta_learner_type: str | None = None
    stack_meta_learner_train_percentage: float = 0.2
    stack_meta_learner_kwargs: Mapping[str, Any] | None = None

    def validate(self) -> None:
        """Raise :class:`~automl.errors.ConfigError` for an invalid percentage."""
        p = self.stack_meta_learner_train_percentage
        if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 < p < 1:
            raise ConfigError(
                f"stack_meta_learner_train_percentage must be strictly between 0 and 1, got {p!r}."
            )


@dataclass
class TrainingSettings:
    """Which algorithms and ensembles are tried (``set_training``).

    ``allowed_training_algorithms`` / ``blocked_training_algorithms`` hold
    canonical Azure names once the job resolved them against the algorithm
    registry of its task.
    """

    allowed_training_algorithms: list[str] | None = None
    blocked_training_algorithms: list[str] | None = None
    enable_onnx_compatible_models: bool = False
    enable_model_explainability: bool = True
    enable_vote_ensemble: bool = True
    enable_stack_ensemble: bool = True
    enable_dnn_training: bool = False
    stack_ensemble_settings: StackEnsembleSettings = field(default_factory=StackEnsembleSettings)
    ensemble_model_download_timeout: float = 5.0
    training_mode: str = "auto"

    def validate(self) -> None:
        """Raise :class:`~automl.errors.ConfigError` for an invalid flag or mode."""
        for name in ("enable_onnx_compatible_models", "enable_model_explainability",
                     "enable_vote_ensemble", "enable_stack_ensemble", "enable_dnn_training"):
            if not isinstance(getattr(self, name), bool):
                raise ConfigError(f"{name} must be True or False, got {getattr(self, name)!r}.")
        if self.enable_dnn_training:
            raise ConfigError("enable_dnn_training is not supported by automl-studio; leave it False.")
        modes = ("auto", "distributed", "non_distributed")
        if name_key(self.training_mode) not in {name_key(m) for m in modes}:
            raise ConfigError(f"training_mode must be one of {', '.join(modes)}, got {self.training_mode!r}.")
        if isinstance(self.stack_ensemble_settings, Mapping):
            self.stack_ensemble_settings = StackEnsembleSettings(**self.stack_ensemble_settings)
        self.stack_ensemble_settings.validate()


@dataclass
class FeaturizationSettings:
    """How raw columns become features (``set_featurization``).

    ``mode`` is ``"auto"`` (default), ``"off"`` or ``"custom"``;
    ``blocked_transformers`` are Azure transformer names;
    ``column_name_and_types`` maps a column to a purpose (``Numeric``,
    ``Categorical``, ``DateTime``, ``CategoricalHash``, ``Text``);
    ``transformer_params`` maps ``imputer`` / ``tf_idf`` /
    ``hash_one_hot_encoder`` to a list of ``{"fields": [...], "parameters": {...}}``.
    """

    mode: str = "auto"
    blocked_transformers: list[str] | None = None
    column_name_and_types: dict[str, str] | None = None
    transformer_params: dict[str, list] | None = None
    dataset_language: str | None = None
    enable_dnn_featurization: bool = False

    def validate(self) -> None:
        """Raise :class:`~automl.errors.ConfigError` for an unknown mode."""
        modes = ("auto", "off", "custom")
        if not isinstance(self.mode, str) or self.mode.lower() not in modes:
            raise ConfigError(
                f"featurization mode must be one of {', '.join(modes)}, got {self.mode!r}."
            )
        self.mode = self.mode.lower()
        if self.enable_dnn_featurization:
            raise ConfigError(
                "enable_dnn_featurization is not supported by automl-studio; leave it False "
                "(text columns get TF-IDF features)."
            )
        if self.blocked_transformers is not None and isinstance(self.blocked_transformers, str):
            self.blocked_transformers = [self.blocked_transformers]
