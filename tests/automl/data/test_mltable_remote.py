"""Remote locations: fsspec filesystems, https, and the errors for missing packages."""

from __future__ import annotations

import io
import urllib.error
import urllib.request

import pandas as pd
import pytest

from automl.data import load_data, load_mltable
from automl.data.mltable import _remote
from automl.errors import DataError


@pytest.fixture
def memory_fs():
    fsspec = pytest.importorskip("fsspec")
    fs = fsspec.filesystem("memory")
    yield fs
    fs.rm("/remote", recursive=True) if fs.exists("/remote") else None


def test_mltable_on_an_fsspec_filesystem(memory_fs, people):
    memory_fs.pipe(
        "/remote/table/MLTable",
        b"paths:\n  - pattern: ./parts/*.csv\ntransformations:\n"
        b"  - read_delimited: {include_path_column: true}\n",
    )
    memory_fs.pipe("/remote/table/parts/a.csv", people.iloc[:3].to_csv(index=False).encode())
    memory_fs.pipe("/remote/table/parts/b.csv", people.iloc[3:].to_csv(index=False).encode())
    frame = load_mltable("memory://remote/table")
    pd.testing.assert_frame_equal(frame.drop(columns="Path"), people)
    assert frame["Path"].iloc[-1] == "memory:///remote/table/parts/b.csv"


def test_remote_files_and_folders_through_load_data(memory_fs, people):
    memory_fs.pipe("/remote/p.parquet", people.to_parquet())
    pd.testing.assert_frame_equal(load_data("memory://remote/p.parquet"), people)
    memory_fs.pipe("/remote/folder/a.jsonl", people.to_json(orient="records", lines=True).encode())
    memory_fs.pipe("/remote/folder/b.csv.gz", _gzip(people.to_csv(index=False)))
    memory_fs.pipe("/remote/folder/c.csv.gz", _gzip(people.to_csv(index=False)))
    memory_fs.pipe("/remote/gz/MLTable", b"paths:\n  - pattern: ../folder/*.csv.gz\n")
    assert len(load_mltable("memory://remote/gz")) == 2 * len(people)
    with pytest.raises(DataError, match="mixes file formats"):
        load_data("memory://remote/folder")


def _gzip(text: str) -> bytes:
    import gzip

    return gzip.compress(text.encode())


def test_remote_missing_file(memory_fs):
    memory_fs.pipe("/remote/t/MLTable", b"paths:\n  - pattern: ./*.csv\n")
    with pytest.raises(DataError, match=r"paths\[0\].pattern' \(line 2\).*matches no file"):
        load_mltable("memory://remote/t")
    with pytest.raises(DataError, match="no `MLTable` file at 'memory://remote/none/MLTable'"):
        load_mltable("memory://remote/none")


@pytest.mark.parametrize(
    "url, package",
    [
        ("abfss://data@account.dfs.core.windows.net/train/MLTable", "adlfs"),
        ("wasbs://data@account.blob.core.windows.net/train.csv", "adlfs"),
        (
            "azureml://subscriptions/s/resourcegroups/r/workspaces/w/datastores/d/paths/train.csv",
            "azureml-fsspec",
        ),
    ],
)
def test_missing_package_says_what_to_install(url, package, monkeypatch):
    import importlib
    import sys

    loaded = importlib.import_module("fsspec.registry")._registry  # protocols already imported
    # Make the package missing even where it is installed: importing a None module fails.
    for module in ("adlfs", "azureml.fsspec", "azureml"):
        monkeypatch.setitem(sys.modules, module, None)
    for protocol in ("abfss", "wasbs", "azureml"):
        monkeypatch.delitem(loaded, protocol, raising=False)
    with pytest.raises(DataError) as info:
        _remote.filesystem(url)
    message = str(info.value)
    assert f"pip install fsspec {package}" in message and "azcopy" in message
    with pytest.raises(DataError, match=package):
        load_data(url, setting="training_data")


def test_missing_fsspec(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_fsspec(name, *args, **kwargs):
        if name.startswith("fsspec"):
            raise ImportError("No module named 'fsspec'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_fsspec)
    with pytest.raises(DataError, match="needs fsspec and s3fs.*pip install fsspec s3fs"):
        _remote.filesystem("s3://bucket/train.csv")
    fs, path = _remote.filesystem("https://example.com/train.csv")
    assert path == "https://example.com/train.csv" and fs.exists(path)


def test_https_download_through_urllib(monkeypatch, people):
    fs = _remote._UrllibFileSystem()
    monkeypatch.setattr(_remote, "filesystem", lambda url: (fs, url))
    import automl.data.mltable._paths as paths_module

    monkeypatch.setattr(paths_module, "filesystem", lambda url: (fs, url))
    body = people.to_csv(index=False).encode()
    monkeypatch.setattr(urllib.request, "urlopen", lambda url, timeout: io.BytesIO(body))
    pd.testing.assert_frame_equal(load_data("https://example.com/people.csv"), people)

    def offline(url, timeout):
        raise urllib.error.URLError("no network")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    with pytest.raises(DataError) as err:
        load_data("https://example.com/people.csv")
    message = str(err.value)
    assert (
        "cannot download 'https://example.com/people.csv'" in message and "local folder" in message
    )
    with pytest.raises(DataError, match="cannot be listed"):
        fs.glob("https://example.com/*.csv")
