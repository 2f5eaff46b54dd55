"""Where a value came from, so that every error can name the file, key and line.

An :class:`Origin` is a position inside an MLTable document: the ``MLTable``
file (or ``None`` for a table built in memory), the key path inside it
(``transformations[2].filter``) and, when the document was read from YAML,
the line of that key.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from automl.errors import DataError

__all__ = ["Origin", "format_names"]

KeyPath = tuple  # tuple[str | int, ...]


def _format_key(path: KeyPath) -> str:
    """Render ``("transformations", 0, "take")`` as ``transformations[0].take``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def format_names(names: Sequence[object], limit: int = 20) -> str:
    """Comma-separated names, cut after ``limit`` with a count of the rest."""
    shown = ", ".join(str(n) for n in list(names)[:limit])
    rest = len(names) - limit
    return shown + (f", ... ({rest} more)" if rest > 0 else "")


@dataclass(frozen=True, eq=False)
class Origin:
    """A position in an MLTable document.

    Parameters
    ----------
    file : str or None
        The ``MLTable`` file, or ``None`` for a table built in memory.
    path : tuple
        Key path inside the document, e.g. ``("transformations", 0, "take")``.
    lines : mapping
        Key path -> 1-based YAML line, as produced by the spec parser.
    """

    file: str | None = None
    path: KeyPath = ()
    lines: Mapping[KeyPath, int] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """The key path as text (``transformations[0].read_delimited``)."""
        return _format_key(self.path)

    @property
    def line(self) -> int | None:
        """The YAML line of this key or of its nearest ancestor with one."""
        path = self.path
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return None

    def child(self, part: str | int) -> Origin:
        """The origin of a sub-key."""
        return Origin(self.file, self.path + (part,), self.lines)

    def where(self) -> str:
        """``MLTable file 'x', key 'y' (line 3)``, or an empty string in memory."""
        parts = []
        if self.file:
            parts.append(f"MLTable file '{self.file}'")
        if self.path:
            line = self.line
            parts.append(f"key '{self.key}'" + (f" (line {line})" if line else ""))
        return ", ".join(parts)

    def error(self, problem: str, fix: str = "") -> DataError:
        """A :class:`DataError` whose message names this position and the fix."""
        where = self.where()
        message = f"{where}: {problem}" if where else problem
        if fix:
            message = f"{message.rstrip()} {fix}"
        return DataError(message)
