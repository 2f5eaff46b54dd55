"""Settings Azure has that change nothing on one machine: accepted, and said so.

Each entry of :data:`INERT_SETTINGS` names a setting, tells when its value would matter
in Azure, and why it does not here. The jobs' setters warn with that sentence, so an
accepted setting is never ignored silently. (``training_mode="distributed"`` is refused
by :class:`~automl.settings.TrainingSettings` instead: it cannot be emulated.)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

import featurizers
from automl.core import name_key

__all__ = ["INERT_SETTINGS", "InertSetting", "inert_warnings"]


@dataclass(frozen=True)
class InertSetting:
    """A setting accepted for Azure's sake that has no effect here.

    Attributes
    ----------
    matters : callable
        ``matters(value)`` tells whether the value asks for something (the default does not).
    why : callable
        ``why(value)`` is the warning: what was asked and why it changes nothing.
    """

    matters: Callable[[Any], bool]
    why: Callable[[Any], str]


def _sweeping(blocked: Any) -> list[str]:
    """The blocked transformers that belong to Azure's feature sweeping."""
    names = [blocked] if isinstance(blocked, str) else list(blocked or [])
    sweeping = {name_key(n): n for n in featurizers.SWEEPING_TRANSFORMERS}
    return [sweeping[name_key(n)] for n in names if name_key(n) in sweeping]


INERT_SETTINGS: dict[str, InertSetting] = {
    "ensemble_model_download_timeout": InertSetting(
        lambda v: v is not None,
        lambda v: "ensemble_model_download_timeout has no effect: ensembles are built from the models of "
                  "this job on this machine, nothing is downloaded."),
    "dataset_language": InertSetting(
        lambda v: v is not None,
        lambda v: f"dataset_language={v!r} has no effect: text columns get TF-IDF features whatever their "
                  "language (Azure reads it for DNN featurization, which automl-studio does not run)."),
    "blocked_transformers": InertSetting(
        lambda v: bool(_sweeping(v)),
        lambda v: f"blocking {', '.join(_sweeping(v))} changes nothing: "
                  f"{'it belongs' if len(_sweeping(v)) == 1 else 'they belong'} to Azure's feature sweeping, "
                  "which automl-studio does not run."),
}


def inert_warnings(changes: Mapping[str, Any]) -> list[str]:
    """The warning of every setting in ``changes`` that asks for something that has no effect here.

    Examples
    --------
    >>> inert_warnings({"max_nodes": 4, "timeout_minutes": 5})
    []
    >>> inert_warnings({"blocked_transformers": ["WoETargetEncoder", "OneHotEncoder"]})
    ["blocking WoETargetEncoder changes nothing: it belongs to Azure's feature sweeping, which automl-studio does not run."]
    """
    return [entry.why(changes[name]) for name, entry in INERT_SETTINGS.items()
            if name in changes and entry.matters(changes[name])]
