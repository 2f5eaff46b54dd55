"""``FeaturizationSettings``: how raw columns become features (Azure's ``set_featurization``)."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import featurizers
from automl.errors import ConfigError

__all__ = ["FEATURIZATION_MODES", "FeaturizationSettings"]

FEATURIZATION_MODES = ("auto", "off", "custom")


@dataclass
class FeaturizationSettings:
    """How raw columns become features (``set_featurization``).

    ``mode`` is ``"auto"`` (default), ``"off"`` or ``"custom"``;
    ``blocked_transformers`` are Azure transformer names;
    ``column_name_and_types`` maps a column to a purpose (``Numeric``,
    ``Categorical``, ``DateTime``, ``CategoricalHash``, ``Text``);
    ``transformer_params`` maps ``imputer`` / ``tf_idf`` /
    ``hash_one_hot_encoder`` to a list of ``{"fields": [...], "parameters": {...}}``.
    ``dataset_language`` is accepted and has no effect: text gets TF-IDF features in any
    language (the setter warns). Whether the columns named exist is checked once the data
    is read.
    """

    mode: str = "auto"
    blocked_transformers: list[str] | None = None
    column_name_and_types: dict[str, str] | None = None
    transformer_params: dict[str, Any] | None = None
    dataset_language: str | None = None
    enable_dnn_featurization: bool = False

    def normalized(self) -> FeaturizationSettings:
        """A copy with the mode in lower case and one blocked transformer as a list."""
        mode, blocked = self.mode, self.blocked_transformers
        if isinstance(mode, str):
            mode = mode.lower()
        if isinstance(blocked, str):
            blocked = [blocked]
        elif blocked is not None and not isinstance(blocked, list):
            blocked = list(blocked)
        mapping = {k: dict(v) if isinstance(v, dict) else v
                   for k, v in (("column_name_and_types", self.column_name_and_types),
                                ("transformer_params", self.transformer_params))}
        return replace(self, mode=mode, blocked_transformers=blocked, **mapping)

    def validate(self) -> None:
        """Raise :class:`~automl.errors.ConfigError` for an unknown mode, transformer, purpose or parameter."""
        if not isinstance(self.mode, str) or self.mode.lower() not in FEATURIZATION_MODES:
            raise ConfigError(
                f"featurization mode must be one of {', '.join(FEATURIZATION_MODES)}, got {self.mode!r}."
            )
        if self.enable_dnn_featurization:
            raise ConfigError(
                "enable_dnn_featurization is not supported by automl-studio; leave it False "
                "(text columns get TF-IDF features)."
            )
        if self.dataset_language is not None and not isinstance(self.dataset_language, str):
            raise ConfigError(f"dataset_language must be a language code such as 'eng', got {self.dataset_language!r}.")
        try:
            featurizers.check_settings(blocked_transformers=self.blocked_transformers,
                                       column_name_and_types=self.column_name_and_types,
                                       transformer_params=self.transformer_params)
        except featurizers.FeaturizationConfigError as exc:
            raise ConfigError(f"set_featurization: {exc}") from None
