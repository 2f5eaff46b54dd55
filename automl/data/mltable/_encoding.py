"""Text encodings of MLTable readers and the error for undecodable bytes.

UTF-8 (with or without a byte-order mark) is read natively by pyarrow; every
other encoding is decoded by Python and handed to pyarrow as UTF-8. Either way
undecodable bytes raise a :class:`~automl.errors.DataError` naming the file,
the byte offset and the line.
"""
from __future__ import annotations

from automl.data.mltable._origin import Origin
from automl.data.mltable._paths import DataFile
from automl.errors import DataError

__all__ = ["ENCODINGS", "NATIVE_ENCODINGS", "decode_error", "find_bad_bytes", "to_utf8"]

#: MLTable encoding name -> Python codec.
ENCODINGS: dict[str, str] = {
    "utf8": "utf-8",
    "iso88591": "iso-8859-1",
    "latin1": "latin-1",
    "ascii": "ascii",
    "utf16": "utf-16",
    "utf32": "utf-32",
    "utf8bom": "utf-8-sig",
    "windows1252": "cp1252",
}

#: Encodings pyarrow reads itself (it skips a UTF-8 byte-order mark).
NATIVE_ENCODINGS = frozenset({"utf8", "utf8bom"})


def find_bad_bytes(data: bytes, encoding: str) -> tuple[int, bytes, int] | None:
    """``(byte offset, bad bytes, 1-based line)`` of the first undecodable bytes, or None."""
    codec = ENCODINGS[encoding]
    try:
        data.decode(codec)
    except UnicodeDecodeError as err:
        before = data[: err.start].decode(codec, errors="replace")
        return err.start, data[err.start : err.end], before.count("\n") + 1
    return None


def _error(
    file: DataFile, encoding: str, found: tuple[int, bytes, int], origin: Origin
) -> DataError:
    offset, bad, line = found
    return origin.error(
        f"'{file.path}': byte offset {offset} (line {line}) holds {bad!r}, which is not "
        f"valid {encoding}.",
        f"Set `encoding` to the file's real encoding ({', '.join(ENCODINGS)}) or "
        "re-save the file as UTF-8.",
    )


def decode_error(file: DataFile, encoding: str, origin: Origin) -> DataError:
    """The error for a file that failed to decode (found by decoding it in Python)."""
    found = find_bad_bytes(file.read_bytes(), encoding)
    if found is None:
        return origin.error(
            f"'{file.path}' could not be decoded as {encoding}.",
            "Check the `encoding` option and the file.",
        )
    return _error(file, encoding, found, origin)


def to_utf8(file: DataFile, encoding: str, origin: Origin) -> bytes:
    """The content of ``file`` re-encoded from ``encoding`` to UTF-8 (checked)."""
    data = file.read_bytes()
    try:
        text = data.decode(ENCODINGS[encoding])
    except UnicodeDecodeError:
        found = find_bad_bytes(data, encoding)
        assert found is not None
        raise _error(file, encoding, found, origin) from None
    return data if encoding == "utf8" else text.encode("utf-8")
