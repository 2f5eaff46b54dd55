"""File formats known by their extension, and the read transformation of each.

Used by ``load_data`` for plain files and folders, and by an MLTable that has
no read transformation.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

__all__ = ["FILE_FORMATS", "FileFormat", "SUPPORTED_SUFFIXES", "format_of"]


@dataclass(frozen=True)
class FileFormat:
    """A file format: its extensions and the read transformation that reads it."""

    name: str
    suffixes: tuple[str, ...]
    reader: str
    options: Mapping[str, object] = field(default_factory=dict)

    def transformation(self) -> dict:
        """The read transformation, as it is written in an MLTable file."""
        return {self.reader: dict(self.options)}


FILE_FORMATS: tuple[FileFormat, ...] = (
    FileFormat("csv", (".csv", ".csv.gz"), "read_delimited", {"delimiter": ","}),
    FileFormat("tsv", (".tsv", ".tsv.gz", ".tab"), "read_delimited", {"delimiter": "\t"}),
    FileFormat("parquet", (".parquet", ".pq"), "read_parquet"),
    FileFormat("json lines", (".jsonl", ".jsonl.gz", ".ndjson", ".json"), "read_json_lines"),
)

SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(s for f in FILE_FORMATS for s in f.suffixes)


def format_of(name: str) -> FileFormat | None:
    """The format of a file name from its extension (case-insensitive), or None."""
    lowered = name.lower()
    best = None
    for fmt in FILE_FORMATS:
        for suffix in fmt.suffixes:
            if lowered.endswith(suffix) and (best is None or len(suffix) > best[0]):
                best = (len(suffix), fmt)
    return best[1] if best else None


def formats_of(names: Iterable[str]) -> dict[str, list[str]]:
    """Format name -> the names of that format (unknown extensions under ``""``)."""
    found: dict[str, list[str]] = {}
    for name in names:
        fmt = format_of(name)
        found.setdefault(fmt.name if fmt else "", []).append(name)
    return found
