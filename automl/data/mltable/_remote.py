"""Remote locations: which URL schemes need which package, and opening them.

Local paths and ``file://`` URLs are read directly. ``https`` URLs are read
with fsspec when it (and aiohttp) is installed, else downloaded with the
standard library. Every other scheme goes through fsspec and the package that
registers it; when that package is missing the error says which one to install
and how to get the data local instead.
"""
from __future__ import annotations

import gzip
import io
import re
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, BinaryIO

from automl.errors import DataError

__all__ = [
    "SCHEME_PACKAGES",
    "asset_reference_error",
    "filesystem",
    "is_asset_reference",
    "is_url",
    "local_path_of",
]

_URL = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]+)://")
_ASSET = re.compile(r"^azureml:(?!//)")

#: URL scheme -> the pip package that lets fsspec open it.
SCHEME_PACKAGES: dict[str, str] = {
    "azureml": "azureml-fsspec",
    "wasbs": "adlfs",
    "wasb": "adlfs",
    "abfss": "adlfs",
    "abfs": "adlfs",
    "az": "adlfs",
    "adl": "adlfs",
    "http": "aiohttp",
    "https": "aiohttp",
    "s3": "s3fs",
    "gs": "gcsfs",
    "gcs": "gcsfs",
}

_LOCAL_COPY_HINT = (
    "Or copy the data to a local folder (for example `az ml data download`, "
    "`azcopy copy <url> ./data --recursive` or `az storage blob download-batch`) "
    "and point the path at that folder."
)


def is_url(path: str) -> bool:
    """Whether ``path`` starts with a ``scheme://`` (Windows drives are not URLs)."""
    return bool(_URL.match(path))


def scheme_of(url: str) -> str:
    """The lower-case scheme of a URL."""
    match = _URL.match(url)
    return match.group(1).lower() if match else ""


def local_path_of(url: str) -> str | None:
    """The local path of a ``file://`` URL, or ``None`` for any other URL."""
    if scheme_of(url) != "file":
        return None
    parsed = urllib.parse.urlparse(url)
    host = "" if parsed.netloc in ("", "localhost") else parsed.netloc
    return urllib.request.url2pathname(host + parsed.path)


def is_asset_reference(path: str) -> bool:
    """Whether ``path`` is an Azure ML asset reference (``azureml:name:version``)."""
    return bool(_ASSET.match(path))


def asset_reference_error(path: str) -> DataError:
    """The error for an ``azureml:name:version`` reference, which needs a workspace."""
    name = path.split(":")[1] if path.count(":") >= 1 else path
    return DataError(
        f"'{path}' is an Azure ML data asset reference; it can only be resolved inside "
        f"an Azure ML workspace. Download it first (`az ml data download --name {name} "
        "--version <version> --download-path ./data`) and use the local folder."
    )


class _UrllibFileSystem:
    """The few fsspec calls we need for plain ``http(s)`` files, via urllib."""

    def open(self, url: str, mode: str = "rb", compression: str | None = None) -> BinaryIO:
        try:
            with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310
                data = response.read()
        except (urllib.error.URLError, OSError, ValueError) as err:
            raise DataError(
                f"cannot download '{url}': {err}. Check the URL and the network. "
                + _LOCAL_COPY_HINT
            ) from err
        stream: BinaryIO = io.BytesIO(data)
        if compression == "gzip":
            stream = gzip.GzipFile(fileobj=stream)  # type: ignore[assignment]
        return stream

    def exists(self, url: str) -> bool:
        return True

    def glob(self, url: str) -> list[str]:
        raise DataError(
            f"'{url}': http(s) locations cannot be listed, so only `file:` paths can "
            "point at them. Install fsspec and aiohttp for more, or list each file."
        )

    find = glob

    def isdir(self, url: str) -> bool:
        return False


def _missing_package_error(url: str, err: Exception) -> DataError:
    scheme = scheme_of(url)
    package = SCHEME_PACKAGES.get(scheme)
    need = "fsspec" + (f" and {package}" if package else "")
    install = f"`pip install fsspec{' ' + package if package else ''}`"
    return DataError(
        f"cannot open '{url}': reading '{scheme}://' locations needs {need} "
        f"({err}). Install it with {install}. " + _LOCAL_COPY_HINT
    )


def filesystem(url: str) -> tuple[Any, str]:
    """Return ``(filesystem, path inside it)`` for a remote URL.

    Raises
    ------
    DataError
        When the package that can open the scheme is not installed.
    """
    try:
        from fsspec.core import url_to_fs
    except ImportError as err:
        if scheme_of(url) in ("http", "https"):
            return _UrllibFileSystem(), url
        raise _missing_package_error(url, err) from err
    try:
        fs, path = url_to_fs(url)
    except ImportError as err:
        if scheme_of(url) in ("http", "https"):
            return _UrllibFileSystem(), url
        raise _missing_package_error(url, err) from err
    except ValueError as err:  # "Protocol not known"
        raise _missing_package_error(url, err) from err
    return fs, path


def full_url(fs: Any, path: str, like: str) -> str:
    """A URL for ``path`` (as an fsspec listing returns it) on the scheme of ``like``."""
    if is_url(path):
        return path
    unstrip = getattr(fs, "unstrip_protocol", None)
    return unstrip(path) if unstrip else f"{scheme_of(like)}://{path.lstrip('/')}"
