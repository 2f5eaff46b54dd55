"""A YAML loader that remembers where every mapping key was written.

:func:`read_yaml` parses with a subclass of PyYAML's ``SafeLoader`` (so no
Python object can be built from the file) whose mappings are
:class:`SourceMapping`: plain dicts that also know the line of each key and
where the value came from, so an error can say ``job.yml, line 12`` or
``--set limits.max_trials``. Duplicate keys are refused, and only ``true`` /
``false`` are booleans (YAML 1.2), so ``positive_label: yes`` stays the string ``"yes"``.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import yaml

from automl.errors import ConfigError

__all__ = ["SourceMapping", "parse_value", "read_yaml"]


class SourceMapping(dict):
    """A dict that knows where each of its keys was written.

    Attributes
    ----------
    source : str
        The file (or ``"command line"``) the mapping was read from.
    lines : dict of str to int
        1-based line of each key in ``source``.
    origins : dict of str to str
        Keys set by an override: where from (e.g. ``"--set limits.max_trials"``).
    base_dirs : dict of str to Path
        Folder that relative paths under a key resolve against (default: the YAML's folder).
    """

    def __init__(self, *args: Any, source: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.source = source
        self.lines: dict[str, int] = {}
        self.origins: dict[str, str] = {}
        self.base_dirs: dict[str, Path] = {}

    def where(self, key: str | None = None) -> str:
        """``"<file>, line <n>"`` of ``key`` (or of the mapping), or the override that set it."""
        if key is not None and key in self.origins:
            return self.origins[key]
        line = self.lines.get(str(key)) if key is not None else min(self.lines.values(), default=None)
        return f"{self.source}, line {line}" if line else (self.source or "the job")

    def child(self, key: str, source: str) -> SourceMapping:
        """The mapping under ``key``, created (as set by ``source``) when missing."""
        value = self.get(key)
        if value is None:
            value = SourceMapping(source=self.source)
            self[key] = value
            self.origins[key] = source
        if not isinstance(value, SourceMapping):
            raise ConfigError(f"{source}: '{key}' ({self.where(key)}) is not a section, it holds {value!r}.")
        return value


class _LineLoader(yaml.SafeLoader):
    """``SafeLoader`` whose mappings are :class:`SourceMapping` with key lines."""

    source = ""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode):
    mapping = SourceMapping(source=loader.source)
    yield mapping
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            raise ConfigError(f"{loader.source}, line {key_node.start_mark.line + 1}: keys must be "
                              f"names, got {key!r}.")
        if key in mapping:
            raise ConfigError(f"{loader.source}, line {key_node.start_mark.line + 1}: key '{key}' is "
                              f"already set on line {mapping.lines[key]}; keep one of them.")
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.lines[key] = key_node.start_mark.line + 1


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)

# YAML 1.2 booleans: only true / false. YAML 1.1 also reads yes, no, on, off as booleans, which
# turns `positive_label: yes` into True.
_BOOL_TAG = "tag:yaml.org,2002:bool"
_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _BOOL_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
_LineLoader.add_implicit_resolver(_BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                  list("tTfF"))


def read_yaml(path: str | os.PathLike) -> SourceMapping:
    """Read a YAML file whose top level is a mapping.

    Raises
    ------
    ConfigError
        The file is missing, is not valid YAML (line and column named) or is not a mapping.
    """
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"job file '{path}' does not exist. Check the path given to --file.")
    text = path.read_text(encoding="utf-8")
    loader = _LineLoader(text)
    loader.source = str(path)
    try:
        document = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ConfigError(f"{path}{where}: not valid YAML: {exc.problem}. Fix the syntax there.") from None
    finally:
        loader.dispose()
    if not isinstance(document, SourceMapping):
        raise ConfigError(f"{path}: a job file is a YAML mapping (type: automl, task: ..., "
                          f"training_data: ...), got {type(document).__name__}.")
    return document


def parse_value(text: str) -> Any:
    """A ``--set`` value read as YAML (``3``, ``true``, ``[a, b]``), else the text itself.

    >>> parse_value("3"), parse_value("yes"), parse_value("[a, b]")
    (3, 'yes', ['a', 'b'])
    """
    loader = _LineLoader(text)
    loader.source = "--set"
    try:
        value = loader.get_single_data()
    except (yaml.YAMLError, ConfigError):
        return text
    finally:
        loader.dispose()
    return text if value is None and text.strip() not in ("null", "~", "") else value
