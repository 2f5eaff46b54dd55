"""``read_parquet`` and ``read_json_lines``."""

from __future__ import annotations

import pandas as pd
import pytest

from automl.data import from_json_lines_files, from_parquet_files, load_mltable
from automl.errors import DataError


def test_parquet_files_and_path_column(tmp_path, people, write_mltable):
    folder = write_mltable("""
        paths:
          - pattern: ./parts/*.parquet
        transformations:
          - read_parquet:
              include_path_column: true
    """)
    (folder / "parts").mkdir()
    people.iloc[:2].to_parquet(folder / "parts/a.parquet")
    people.iloc[2:].to_parquet(folder / "parts/b.parquet")
    frame = load_mltable(folder)
    pd.testing.assert_frame_equal(frame.drop(columns="Path"), people)
    assert (
        frame["Path"].tolist()
        == [str(folder / "parts/a.parquet")] * 2 + [str(folder / "parts/b.parquet")] * 4
    )


def test_parquet_named_index_becomes_a_column(tmp_path, people):
    people.set_index("name").to_parquet(tmp_path / "p.parquet")
    pd.testing.assert_frame_equal(
        from_parquet_files(tmp_path / "p.parquet").to_pandas_dataframe(), people
    )


def test_parquet_types_unified_across_files(tmp_path):
    pd.DataFrame({"x": [1, 2]}).to_parquet(tmp_path / "a.parquet")
    pd.DataFrame({"x": [0.5], "y": ["new"]}).to_parquet(tmp_path / "b.parquet")
    frame = from_parquet_files(str(tmp_path / "*.parquet")).to_pandas_dataframe()
    assert frame["x"].tolist() == [1.0, 2.0, 0.5] and frame["y"].isna().tolist() == [
        True,
        True,
        False,
    ]


def test_unreadable_parquet_names_file_and_key(write_mltable):
    folder = write_mltable(
        "paths:\n  - file: bad.parquet\ntransformations:\n  - read_parquet: {}\n"
    )
    (folder / "bad.parquet").write_text("a,b\n1,2\n")
    with pytest.raises(DataError) as err:
        load_mltable(folder)
    message = str(err.value)
    assert "bad.parquet' is not a readable Parquet file" in message
    assert "transformations[0].read_parquet' (line 4)" in message


def test_json_lines(write_mltable, write_text):
    folder = write_mltable("""
        paths:
          - file: ./a.jsonl
          - file: ./b.jsonl
        transformations:
          - read_json_lines:
              include_path_column: true
    """)
    write_text("table/a.jsonl", '{"a": 1, "b": "x"}\n\n{"a": 2, "b": "y"}\n')
    write_text("table/b.jsonl", '{"a": 3, "c": true}\n')
    frame = load_mltable(folder)
    assert list(frame.columns) == ["Path", "a", "b", "c"]
    assert frame["a"].tolist() == [1, 2, 3] and frame["b"].tolist()[:2] == ["x", "y"]
    assert frame["Path"].tolist() == [str(folder / "a.jsonl")] * 2 + [str(folder / "b.jsonl")]


def test_json_lines_with_mixed_types_falls_back(tmp_path):
    (tmp_path / "m.jsonl").write_text('{"v": 1}\n{"v": "text"}\n')
    assert from_json_lines_files(tmp_path / "m.jsonl").to_pandas_dataframe()["v"].tolist() == [
        1,
        "text",
    ]


INVALID = '{"a": 1}\nnot json\n[1, 2]\n{"a": 4}\n'


def test_invalid_lines_error_names_file_and_line(write_mltable, write_text):
    folder = write_mltable(
        "paths:\n  - file: a.jsonl\ntransformations:\n  - read_json_lines:\n"
        "      invalid_lines: error\n"
    )
    path = write_text("table/a.jsonl", INVALID)
    with pytest.raises(DataError) as err:
        load_mltable(folder)
    message = str(err.value)
    assert f"'{path}' line 2 is not a JSON object" in message and "'not json'" in message
    assert "invalid_lines: drop" in message and "read_json_lines' (line 4)" in message


def test_invalid_lines_drop(tmp_path):
    (tmp_path / "a.jsonl").write_text(INVALID)
    frame = from_json_lines_files(tmp_path / "a.jsonl", invalid_lines="drop").to_pandas_dataframe()
    assert frame["a"].tolist() == [1, 4]


def test_json_lines_encodings(tmp_path):
    (tmp_path / "a.jsonl").write_bytes('{"city": "Zürich"}\n'.encode("utf-16"))
    frame = from_json_lines_files(tmp_path / "a.jsonl", encoding="utf16").to_pandas_dataframe()
    assert frame["city"].tolist() == ["Zürich"]
    (tmp_path / "b.jsonl").write_bytes(b'{"city": "Z\xfcrich"}\n')
    with pytest.raises(DataError, match=r"b\.jsonl': byte offset 11 \(line 1\).*not valid utf8"):
        from_json_lines_files(tmp_path / "b.jsonl").to_pandas_dataframe()


def test_invalid_json_lines_option(write_mltable):
    folder = write_mltable(
        "paths:\n  - file: a.jsonl\ntransformations:\n  - read_json_lines:\n"
        "      invalid_lines: skip\n"
    )
    with pytest.raises(
        DataError, match=r"invalid_lines' \(line 5\): unknown value 'skip'.*error, drop"
    ):
        load_mltable(folder)


def test_json_array_errors(tmp_path):
    (tmp_path / "a.json").write_text('[{"a": 1}, 2]')
    with pytest.raises(DataError, match="not all objects"):
        from_json_lines_files(tmp_path / "a.json").to_pandas_dataframe()
    (tmp_path / "b.json").write_text('[{"a": 1},')
    with pytest.raises(DataError, match="not valid JSON"):
        from_json_lines_files(tmp_path / "b.json").to_pandas_dataframe()
