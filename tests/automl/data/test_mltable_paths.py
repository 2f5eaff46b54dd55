"""MLTable ``paths``: file, folder and pattern entries, relative and absolute."""

from __future__ import annotations

import pandas as pd
import pytest

from automl.data import from_delimited_files, load_mltable
from automl.errors import DataError

READ = "transformations:\n  - read_delimited: {}\n"


@pytest.fixture
def tree(write_text):
    """table/data/{2023,2024}/... one-row CSVs whose value says which file it is."""
    for name in (
        "data/a.csv",
        "data/b.csv",
        "data/c.csv",
        "data/ab.csv",
        "data/2023/x.csv",
        "data/2024/y.csv",
        "data/2024/deep/z.csv",
    ):
        write_text(f"table/{name}", f"v\n{name}\n")
    write_text("table/data/.hidden.csv", "v\nhidden\n")
    write_text("table/data/notes.txt", "v\nnotes\n")


def _values(write_mltable, paths: str) -> list[str]:
    folder = write_mltable(f"paths:\n{paths}{READ}")
    return load_mltable(folder)["v"].tolist()


@pytest.mark.parametrize(
    "pattern, expected",
    [
        ("./data/*.csv", ["data/a.csv", "data/ab.csv", "data/b.csv", "data/c.csv"]),
        ("data/?.csv", ["data/a.csv", "data/b.csv", "data/c.csv"]),
        ("data/[ab].csv", ["data/a.csv", "data/b.csv"]),
        (
            "data/**/*.csv",
            [
                "data/2023/x.csv",
                "data/2024/deep/z.csv",
                "data/2024/y.csv",
                "data/a.csv",
                "data/ab.csv",
                "data/b.csv",
                "data/c.csv",
            ],
        ),
        ("data/2024/**/*.csv", ["data/2024/deep/z.csv", "data/2024/y.csv"]),
    ],
)
def test_patterns(tree, write_mltable, pattern, expected):
    assert _values(write_mltable, f"  - pattern: {pattern}\n") == expected


def test_file_and_folder_entries_in_order(tree, write_mltable):
    values = _values(write_mltable, "  - file: ./data/c.csv\n  - folder: ./data/2024\n")
    assert values == ["data/c.csv", "data/2024/deep/z.csv", "data/2024/y.csv"]


def test_folder_skips_hidden_and_unreadable_names(write_text, write_mltable):
    write_text("table/d/a.csv", "v\n1\n")
    write_text("table/d/.DS_Store", "junk")
    write_text("table/d/_SUCCESS", "")
    assert _values(write_mltable, "  - folder: d\n") == [1]


def test_relative_paths_resolve_against_the_mltable_folder(
    tree, write_mltable, tmp_path, monkeypatch
):
    folder = write_mltable(f"paths:\n  - file: ../shared.csv\n  - file: data/a.csv\n{READ}")
    (tmp_path / "shared.csv").write_text("v\nshared\n")
    monkeypatch.chdir(tmp_path / "table" / "data")
    assert load_mltable(folder)["v"].tolist() == ["shared", "data/a.csv"]


def test_absolute_paths_and_file_urls(tree, write_mltable, tmp_path):
    absolute = tmp_path / "table" / "data" / "a.csv"
    paths = (
        f"  - file: {absolute}\n  - file: {absolute.as_uri()}\n"
        f"  - pattern: {tmp_path}/table/data/?.csv\n"
    )
    assert _values(write_mltable, paths) == ["data/a.csv"] * 2 + [
        "data/a.csv",
        "data/b.csv",
        "data/c.csv",
    ]


def test_missing_file_names_key_line_and_close_names(tree, write_mltable):
    folder = write_mltable(f"paths:\n  - file: ./data/a.csv\n  - file: ./data/abc.csv\n{READ}")
    with pytest.raises(DataError) as err:
        load_mltable(folder)
    message = str(err.value)
    assert f"MLTable file '{folder / 'MLTable'}'" in message
    assert "key 'paths[1].file' (line 3)" in message
    assert "abc.csv' does not exist" in message and "Did you mean 'ab.csv'" in message


def test_pattern_matching_nothing(tree, write_mltable):
    folder = write_mltable(f"paths:\n  - pattern: ./data/*.parquet\n{READ}")
    with pytest.raises(DataError, match=r"paths\[0\].pattern' \(line 2\).*matches no file"):
        load_mltable(folder)


def test_folder_entry_errors(tree, write_mltable, write_text):
    write_text("table/empty/.keep", "")
    cases = {
        "./data/a.csv": "is a file, not a folder",
        "./nothing": "does not exist",
        "./empty": "holds no data file",
    }
    for value, expected in cases.items():
        folder = write_mltable(f"paths:\n  - folder: {value}\n{READ}")
        with pytest.raises(DataError, match=expected):
            load_mltable(folder)


def test_file_entry_pointing_at_a_folder(tree, write_mltable):
    folder = write_mltable(f"paths:\n  - file: ./data\n{READ}")
    with pytest.raises(DataError, match="is a folder, not a file.*folder: ./data"):
        load_mltable(folder)


def test_asset_reference_in_paths(write_mltable):
    folder = write_mltable(f"paths:\n  - file: azureml:adult:2\n{READ}")
    with pytest.raises(DataError, match=r"paths\[0\].file.*az ml data download"):
        load_mltable(folder)


def test_path_column_shows_each_rows_file(tree, write_mltable, tmp_path):
    folder = write_mltable(
        "paths:\n  - pattern: data/[ab].csv\ntransformations:\n"
        "  - read_delimited:\n      include_path_column: true\n"
    )
    frame = load_mltable(folder)
    assert list(frame.columns) == ["Path", "v"]
    assert frame["Path"].tolist() == [
        str(tmp_path / "table/data/a.csv"),
        str(tmp_path / "table/data/b.csv"),
    ]
    assert pd.api.types.is_string_dtype(frame["Path"])


def test_path_column_clash(write_text, tmp_path):
    write_text("clash/a.csv", "Path,v\nx,1\n")
    table = from_delimited_files(tmp_path / "clash" / "a.csv", include_path_column=True)
    with pytest.raises(DataError, match="already has a column named 'Path'"):
        table.to_pandas_dataframe()
