"""``Input``: an Azure-shaped reference to training, validation or test data."""
from __future__ import annotations

import os
from typing import Any

from automl.core import resolve_name
from automl.errors import ConfigError

__all__ = ["INPUT_MODES", "INPUT_TYPES", "Input"]

#: Input types this framework reads, as Azure ML spells them.
INPUT_TYPES: dict[str, str] = {
    "mltable": "a folder holding an MLTable file",
    "uri_file": "one data file",
    "uri_folder": "a folder of data files of one format",
}

#: Azure ML data access modes; accepted for compatibility, they change nothing locally.
INPUT_MODES: tuple[str, ...] = (
    "ro_mount",
    "rw_mount",
    "download",
    "direct",
    "upload",
    "eval_mount",
    "eval_download",
)


class Input:
    """A reference to data, shaped like ``azure.ai.ml.Input``.

    Parameters
    ----------
    type : {"uri_folder", "uri_file", "mltable"}
        What ``path`` points at. Spellings such as ``"MLTable"`` or ``"UriFile"``
        are accepted.
    path : str or os.PathLike
        A local path or a URL (``https://``, ``azureml://``, ``abfss://``... need
        the matching fsspec package).
    mode : str, optional
        An Azure ML access mode (``ro_mount``, ``download``, ``direct``...);
        kept for compatibility, it has no effect locally.
    description : str, optional
        Free text.

    Raises
    ------
    ConfigError
        For an unknown ``type`` or ``mode`` (listing the valid ones) or a
        ``path`` that is not a path.

    Examples
    --------
    >>> from automl.data import Input
    >>> Input(type="mltable", path="data/train")
    Input(type='mltable', path='data/train')
    """

    def __init__(
        self,
        *,
        type: str = "uri_folder",  # noqa: A002 - Azure's name
        path: str | os.PathLike,
        mode: str | None = None,
        description: str | None = None,
    ):
        self.type = resolve_name(type, INPUT_TYPES, what="input type", setting="Input.type")
        if not isinstance(path, (str, os.PathLike)) or not os.fspath(path):
            raise ConfigError(f"Input.path: expected a non-empty path or URL, got {path!r}.")
        self.path = os.fspath(path)
        if mode is not None:
            mode = resolve_name(mode, dict.fromkeys(INPUT_MODES), what="mode", setting="Input.mode")
        self.mode = mode
        self.description = description

    def to_dict(self) -> dict[str, Any]:
        """The Azure ML YAML form, e.g. ``{"type": "mltable", "path": "data/train"}``."""
        result: dict[str, Any] = {"type": self.type, "path": self.path}
        if self.mode is not None:
            result["mode"] = self.mode
        if self.description is not None:
            result["description"] = self.description
        return result

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Input:
        """Build an Input from its YAML form (``type``, ``path``, ``mode``, ``description``)."""
        unknown = sorted(set(data) - {"type", "path", "mode", "description"})
        if unknown:
            raise ConfigError(
                f"Input: unknown key {unknown[0]!r}. Valid keys: type, path, mode, description."
            )
        if "path" not in data:
            raise ConfigError("Input: missing `path`.")
        return cls(**data)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Input) and self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        items = self.to_dict().items()
        extra = "".join(f", {k}={v!r}" for k, v in items if k not in ("type", "path"))
        return f"Input(type={self.type!r}, path={self.path!r}{extra})"
