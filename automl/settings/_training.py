"""``TrainingSettings`` (Azure's ``set_training``) and ``StackEnsembleSettings``."""
from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any, Mapping

from automl.core import name_key
from automl.errors import ConfigError, did_you_mean
from automl.settings._merge import check_positive_number, check_true_or_false

__all__ = ["FINAL_MODELS", "StackEnsembleSettings", "TRAINING_MODES", "TrainingSettings"]

#: Azure's ``TrainingMode`` values; ``distributed`` is refused until it is built.
TRAINING_MODES = ("auto", "distributed", "non_distributed")
#: How the final model is trained: ``"bag"`` averages one model per cross-validation fold (AutoGluon's
#: way), ``"refit"`` fits one model on all training rows (Azure's way); ``"auto"`` bags under
#: cross-validation and refits after a single holdout (see ``automl.tasks.tabular._bagging``).
FINAL_MODELS = ("auto", "bag", "refit")


@dataclass
class StackEnsembleSettings:
    """Settings of the StackEnsemble meta learner (Azure's ``StackEnsembleSettings``).

    ``stack_meta_learner_type`` is checked against the meta learners of the job's task
    by the job's ``set_training``.
    """

    stack_meta_learner_type: str | None = None
    stack_meta_learner_train_percentage: float = 0.2
    stack_meta_learner_kwargs: Mapping[str, Any] | None = None

    def normalized(self) -> StackEnsembleSettings:
        """A copy with the keyword arguments as a plain dict."""
        kwargs = self.stack_meta_learner_kwargs
        return replace(self, stack_meta_learner_kwargs=None if kwargs is None else dict(kwargs))

    def validate(self) -> None:
        """Raise :class:`~automl.errors.ConfigError` for an invalid percentage or kwargs."""
        p = self.stack_meta_learner_train_percentage
        if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 < p < 1:
            raise ConfigError(
                f"stack_meta_learner_train_percentage must be strictly between 0 and 1, got {p!r}."
            )
        name = self.stack_meta_learner_type
        if name is not None and not isinstance(name, str):
            raise ConfigError(f"stack_meta_learner_type must be a meta learner name or None, got {name!r}.")
        if self.stack_meta_learner_kwargs is not None and not isinstance(self.stack_meta_learner_kwargs, Mapping):
            raise ConfigError("stack_meta_learner_kwargs must be a mapping of parameter names to values, "
                              f"got {self.stack_meta_learner_kwargs!r}.")


def _stack_settings(value: Any) -> Any:
    """A ``StackEnsembleSettings`` from a mapping (as YAML and dicts give it); anything else as is."""
    if isinstance(value, Mapping):
        known = {f.name for f in fields(StackEnsembleSettings)}
        unknown = sorted(set(value) - known)
        if unknown:
            raise ConfigError(f"stack_ensemble_settings: unknown key {unknown[0]!r}.{did_you_mean(unknown[0], known)} "
                              f"Valid keys: {', '.join(sorted(known))}.")
        value = StackEnsembleSettings(**value)
    return value.normalized() if isinstance(value, StackEnsembleSettings) else value


@dataclass
class TrainingSettings:
    """Which algorithms and ensembles are tried (``set_training``).

    ``allowed_training_algorithms`` / ``blocked_training_algorithms`` hold
    canonical Azure names once the job resolved them against the algorithm
    table of its task. ``final_model`` says how the final model is trained (:data:`FINAL_MODELS`).
    ``training_mode`` ``"distributed"`` trains data-parallel on the Dask cluster given as ``compute``
    (:attr:`distributed`);
    ``ensemble_model_download_timeout`` is accepted and has no effect (nothing is
    downloaded on one machine; the setter warns).
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
    final_model: str = "auto"

    def normalized(self) -> TrainingSettings:
        """A copy with the stack settings as a dataclass and the training mode in Azure's spelling."""
        mode = self.training_mode
        if isinstance(mode, str):
            mode = next((m for m in TRAINING_MODES if name_key(m) == name_key(mode)), mode)
        return replace(self, stack_ensemble_settings=_stack_settings(self.stack_ensemble_settings),
                       training_mode=mode)

    @property
    def distributed(self) -> bool:
        """Whether the job trains data-parallel on its Dask cluster (``training_mode="distributed"``)."""
        return isinstance(self.training_mode, str) and name_key(self.training_mode) == name_key("distributed")

    def validate(self) -> None:
        """Raise :class:`~automl.errors.ConfigError` for an invalid flag or mode."""
        for name in ("enable_onnx_compatible_models", "enable_model_explainability",
                     "enable_vote_ensemble", "enable_stack_ensemble", "enable_dnn_training"):
            check_true_or_false(name, getattr(self, name))
        if self.enable_dnn_training:
            raise ConfigError("enable_dnn_training is not supported by automl-studio; leave it False.")
        mode = next((m for m in TRAINING_MODES if name_key(m) == name_key(self.training_mode)), None)
        if mode is None:
            raise ConfigError(f"training_mode must be one of {', '.join(TRAINING_MODES)}, got {self.training_mode!r}.")
        if self.final_model not in FINAL_MODELS:
            raise ConfigError(f"final_model must be one of {', '.join(map(repr, FINAL_MODELS))}, got "
                              f"{self.final_model!r}: 'bag' averages the models of the cross-validation folds, "
                              "'refit' fits one model on all training rows, 'auto' bags under cross-validation.")
        check_positive_number("ensemble_model_download_timeout", self.ensemble_model_download_timeout)
        for name in ("allowed_training_algorithms", "blocked_training_algorithms"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, str) or not all(isinstance(n, str) for n in value)):
                raise ConfigError(f"{name} must be a list of algorithm names, got {value!r}.")
        stack = _stack_settings(self.stack_ensemble_settings)  # a checked copy: this object is left as it is
        if not isinstance(stack, StackEnsembleSettings):
            raise ConfigError("stack_ensemble_settings must be a StackEnsembleSettings or a mapping, "
                              f"got {self.stack_ensemble_settings!r}.")
        stack.validate()
