"""The MLTable document: YAML with line numbers, checked key by key.

:func:`read_yaml` parses the text and records the line of every key
(``yaml.compose`` keeps node marks). :func:`parse_document` checks the
top-level keys, the ``paths`` entries and each transformation's options
against the registries, so that every mistake is reported, with its line,
when the MLTable is loaded rather than half-way through reading the data.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from automl.data.mltable._origin import Origin
from automl.data.mltable._paths import PATH_KINDS, PathEntry
from automl.data.mltable._readers import READERS
from automl.data.mltable._transforms import TRANSFORMS
from automl.errors import DataError, did_you_mean

__all__ = ["SCHEMA_URL", "Spec", "Step", "TOP_LEVEL_KEYS", "parse_document", "read_yaml"]

SCHEMA_URL = "https://azuremlschemas.azureedge.net/latest/MLTable.schema.json"
TOP_LEVEL_KEYS = ("$schema", "type", "paths", "transformations", "traits", "metadata")
_ALL_STEPS = (*READERS, *TRANSFORMS)
_VALID_STEPS = (
    f"Read transformations: {', '.join(READERS)}. "
    f"Then, in any order: {', '.join(TRANSFORMS)}."
)


@dataclass(frozen=True, eq=False)
class Step:
    """One transformation: its name, its checked arguments and its value as written."""

    name: str
    args: Any
    raw: Any
    origin: Origin

    @property
    def is_reader(self) -> bool:
        """Whether this is a read transformation (``read_*``)."""
        return self.name in READERS


@dataclass(frozen=True, eq=False)
class Spec:
    """A checked MLTable document.

    Attributes
    ----------
    paths : tuple of PathEntry
        The ``paths`` entries, in order.
    steps : tuple of Step
        The transformations, in order (the read transformation, if any, first).
    extra : dict
        The other top-level keys as written (``$schema``, ``type``, ``traits``...).
    file : str or None
        The ``MLTable`` file, or ``None`` for a table built in memory.
    base : str
        The folder (or folder URL) relative paths resolve against.
    """

    paths: tuple[PathEntry, ...]
    steps: tuple[Step, ...]
    extra: dict = field(default_factory=dict)
    file: str | None = None
    base: str = "."


def _record_lines(node: yaml.Node, path: tuple, lines: dict) -> None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = path + (key.value,)
            lines.setdefault(child, key.start_mark.line + 1)
            _record_lines(value, child, lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines.setdefault(path + (i,), item.start_mark.line + 1)
            _record_lines(item, path + (i,), lines)


def read_yaml(text: str, file: str) -> tuple[Any, dict[tuple, int]]:
    """Parse YAML ``text``; return the data and a map key path -> 1-based line.

    Raises
    ------
    DataError
        For invalid YAML, naming the file, the line and the column.
    """
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(err, "problem", None) or str(err)
        raise DataError(
            f"MLTable file '{file}': invalid YAML{where}: {problem}. Fix the indentation "
            "and quoting (quote values holding ':', '{' or '#')."
        ) from None
    finally:
        loader.dispose()
    lines: dict[tuple, int] = {}
    if node is not None:
        _record_lines(node, (), lines)
    return data, lines


def _single_key(item: Any, origin: Origin, what: str, valid: tuple[str, ...]) -> tuple[str, Any]:
    if isinstance(item, str):
        return item, None
    if not isinstance(item, dict) or len(item) != 1:
        raise origin.error(
            f"expected a mapping with one key ({what}), got {item!r}.",
            f"Valid keys: {', '.join(valid)}.",
        )
    name, value = next(iter(item.items()))
    return str(name), value


def _parse_path(item: Any, origin: Origin) -> PathEntry:
    if isinstance(item, str):
        raise origin.error(f"path {item!r} has no kind.", f"Write it as `- file: {item}`.")
    kind, value = _single_key(item, origin, "file, folder or pattern", PATH_KINDS)
    if kind not in PATH_KINDS:
        raise origin.child(kind).error(
            f"unknown path kind {kind!r}.{did_you_mean(kind, PATH_KINDS)}",
            f"Valid kinds: {', '.join(PATH_KINDS)}.",
        )
    if not isinstance(value, str) or not value:
        raise origin.child(kind).error(f"expected a path as a string, got {value!r}.")
    return PathEntry(kind, value, origin.child(kind))


def _parse_paths(value: Any, origin: Origin) -> tuple[PathEntry, ...]:
    if not isinstance(value, list) or not value:
        raise origin.error(
            "expected a non-empty list of paths.",
            "Example: `paths:\n  - file: ./train.csv` (or `folder:` / `pattern:`).",
        )
    return tuple(_parse_path(item, origin.child(i)) for i, item in enumerate(value))


def _parse_step(item: Any, origin: Origin, position: int) -> Step:
    name, value = _single_key(item, origin, "the transformation's name", _ALL_STEPS)
    where = origin.child(name) if isinstance(item, dict) else origin
    if name not in READERS and name not in TRANSFORMS:
        raise where.error(
            f"unknown transformation {name!r}.{did_you_mean(name, _ALL_STEPS)}", _VALID_STEPS
        )
    if name in READERS:
        if position != 0:
            raise where.error(
                f"{name} must be the first transformation (there can be only one).",
                "Move it to the top of `transformations`.",
            )
        return Step(name, READERS[name].parse(value, where), value, where)
    return Step(name, TRANSFORMS[name].parse(value, where), value, where)


def _parse_steps(value: Any, origin: Origin) -> tuple[Step, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise origin.error(
            "expected a list of transformations.",
            "Example: `transformations:\n  - read_delimited:\n      delimiter: ','`.",
        )
    return tuple(_parse_step(item, origin.child(i), i) for i, item in enumerate(value))


def _check_top_level(data: Any, origin: Origin) -> None:
    if data is None:
        raise origin.error(
            "the file is empty.", "It needs at least `paths` and a read transformation."
        )
    if not isinstance(data, dict):
        raise origin.error(
            f"expected a YAML mapping with `paths` and `transformations`, got {data!r}.",
            "Example: `paths:\n  - file: ./train.csv\ntransformations:\n  - read_delimited: {}`.",
        )
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            raise origin.child(str(key)).error(
                f"unknown key {key!r}.{did_you_mean(str(key), TOP_LEVEL_KEYS)}",
                f"Valid keys: {', '.join(TOP_LEVEL_KEYS)}.",
            )
    if str(data.get("type", "mltable")).lower() != "mltable":
        raise origin.child("type").error(f"type is {data['type']!r}.", "Use `type: mltable`.")
    if "paths" not in data:
        raise origin.error("the MLTable has no `paths`.", "Add `paths:\n  - file: ./train.csv`.")


def parse_document(
    data: Any, *, file: str | None, base: str, lines: Mapping[tuple, int] | None = None
) -> Spec:
    """Check an MLTable document (already parsed from YAML) and return its :class:`Spec`.

    Raises
    ------
    DataError
        For an unknown key, transformation or option (listing the valid ones), a
        malformed path entry or a read transformation that is not first.
    """
    origin = Origin(file, (), lines or {})
    _check_top_level(data, origin)
    paths = _parse_paths(data["paths"], origin.child("paths"))
    steps = _parse_steps(data.get("transformations"), origin.child("transformations"))
    extra = {k: v for k, v in data.items() if k not in ("paths", "transformations")}
    return Spec(paths, steps, extra, file, base)
