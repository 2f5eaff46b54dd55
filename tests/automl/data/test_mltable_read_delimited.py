"""``read_delimited``: delimiter, header modes, encodings and the other options."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from automl.data import from_delimited_files, load_mltable
from automl.errors import DataError


def _table(write_mltable, options: str, paths: str = "  - pattern: ./*.csv\n"):
    text = f"paths:\n{paths}transformations:\n  - read_delimited:\n{options}"
    return write_mltable(text)


def test_delimiters(write_mltable, write_text):
    write_text("table/a.csv", "a;b\n1;x\n")
    expected = pd.DataFrame({"a": [1], "b": ["x"]})
    pd.testing.assert_frame_equal(
        load_mltable(_table(write_mltable, "      delimiter: ';'\n")), expected
    )
    write_text("tabs/a.csv", "a\tb\n1\tx\n")
    for spelling in ('"\\t"', "'\\t'"):
        folder = write_mltable(
            f"paths:\n  - file: a.csv\ntransformations:\n  - read_delimited:\n"
            f"      delimiter: {spelling}\n",
            folder="tabs",
        )
        pd.testing.assert_frame_equal(load_mltable(folder), expected)


def test_multi_character_delimiter_is_rejected(write_mltable, write_text):
    write_text("table/a.csv", "a,b\n")
    with pytest.raises(DataError, match=r"read_delimited.delimiter' \(line 5\).*single character"):
        load_mltable(_table(write_mltable, "      delimiter: '::'\n"))


@pytest.fixture
def two_files(write_text):
    write_text("table/1.csv", "a,b\n1,x\n2,y\n")
    write_text("table/2.csv", "a,b\n3,z\n")


def test_all_files_same_headers_is_the_default(two_files, write_mltable):
    frame = load_mltable(_table(write_mltable, "      {}\n"))
    pd.testing.assert_frame_equal(frame, pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]}))


def test_from_first_file_reads_other_first_lines_as_data(two_files, write_mltable):
    frame = load_mltable(_table(write_mltable, "      header: from_first_file\n"))
    assert frame["a"].tolist() == ["1", "2", "a", "3"]


def test_no_header_names_columns(two_files, write_mltable):
    frame = load_mltable(_table(write_mltable, "      header: no_header\n"))
    assert list(frame.columns) == ["Column1", "Column2"]
    assert frame["Column2"].tolist() == ["b", "x", "y", "b", "z"]


def test_all_files_different_headers_takes_the_union(write_text, write_mltable):
    write_text("table/1.csv", "a,b\n1,x\n")
    write_text("table/2.csv", "b,c\ny,2.5\n")
    frame = load_mltable(_table(write_mltable, "      header: all_files_different_headers\n"))
    assert list(frame.columns) == ["a", "b", "c"]
    assert frame["b"].tolist() == ["x", "y"]
    assert np.isnan(frame.loc[1, "a"]) and np.isnan(frame.loc[0, "c"])


def test_different_headers_under_same_headers_is_an_error(write_text, write_mltable):
    write_text("table/1.csv", "a,b\n1,x\n")
    write_text("table/2.csv", "a,c\n2,y\n")
    with pytest.raises(DataError) as err:
        load_mltable(_table(write_mltable, "      header: all_files_same_headers\n"))
    message = str(err.value)
    assert "2.csv' has a different header than" in message and "1.csv" in message
    assert "missing: ['b']" in message and "extra: ['c']" in message
    assert "read_delimited.header' (line 5)" in message
    assert "all_files_different_headers" in message


def test_types_are_unified_across_files(write_text, write_mltable):
    write_text("table/1.csv", "n,m\n1,1\n")
    write_text("table/2.csv", "n,m\n2.5,x\n")
    frame = load_mltable(_table(write_mltable, "      {}\n"))
    assert frame["n"].tolist() == [1.0, 2.5] and frame["m"].tolist() == ["1", "x"]


def test_clean_header_names(write_text, write_mltable):
    write_text("table/a.csv", ",a,a\n0,1,2\n")
    assert list(load_mltable(_table(write_mltable, "      {}\n")).columns) == [
        "Column1",
        "a",
        "a.1",
    ]


@pytest.mark.parametrize(
    "encoding, codec",
    [
        ("latin1", "latin-1"),
        ("iso88591", "iso-8859-1"),
        ("windows1252", "cp1252"),
        ("utf16", "utf-16"),
        ("utf32", "utf-32"),
        ("utf8bom", "utf-8-sig"),
        ("utf8", "utf-8"),
    ],
)
def test_encodings(write_text, write_mltable, encoding, codec):
    write_text("table/a.csv", "city,n\nZürich,1\nSão Paulo,2\n", encoding=codec)
    frame = load_mltable(_table(write_mltable, f"      encoding: {encoding}\n"))
    assert frame["city"].tolist() == ["Zürich", "São Paulo"] and list(frame.columns) == [
        "city",
        "n",
    ]


def test_encoding_spelling_is_normalised(write_text, write_mltable):
    write_text("table/a.csv", "city\nZürich\n", encoding="latin-1")
    assert (
        load_mltable(_table(write_mltable, "      encoding: ISO-8859-1\n"))["city"][0] == "Zürich"
    )


@pytest.mark.parametrize(
    "encoding, content, offset, line",
    [
        ("utf8", b"a,b\n1,caf\xe9\n", 9, 2),
        ("ascii", b"a,b\n1,ok\n2,caf\xc3\xa9\n", 14, 3),
        ("utf16", b"\xff\xfea\x00\n\x00\x00\xd8", 6, 2),
    ],
)
def test_undecodable_bytes_name_file_and_offset(
    write_text, write_mltable, encoding, content, offset, line
):
    path = write_text("table/a.csv", content)
    with pytest.raises(DataError) as err:
        load_mltable(_table(write_mltable, f"      encoding: {encoding}\n"))
    message = str(err.value)
    assert str(path) in message and f"byte offset {offset} (line {line})" in message
    assert f"not valid {encoding}" in message and "read_delimited' (line 4)" in message


def test_utf8_error_when_types_are_not_inferred(write_text, write_mltable):
    write_text("table/a.csv", b"a\ncaf\xe9\n")
    with pytest.raises(DataError, match="byte offset 5"):
        load_mltable(_table(write_mltable, "      infer_column_types: false\n"))


def test_empty_as_string(write_text, write_mltable):
    write_text("table/a.csv", "s,n\n,1\nx,\n")
    nulls = load_mltable(_table(write_mltable, "      empty_as_string: false\n"))
    assert pd.isna(nulls.loc[0, "s"]) and pd.isna(nulls.loc[1, "n"])
    empty = load_mltable(
        _table(
            write_mltable,
            "      empty_as_string: true\n",
        )
    )
    assert empty.loc[0, "s"] == "" and pd.isna(empty.loc[1, "n"])


def test_support_multi_line(write_text, write_mltable):
    write_text("table/a.csv", 'id,text\n1,"two\nlines"\n2,one\n')
    frame = load_mltable(_table(write_mltable, "      support_multi_line: true\n"))
    assert frame["text"].tolist() == ["two\nlines", "one"]


def test_parse_errors_name_file_and_options(write_text, write_mltable):
    path = write_text("table/a.csv", "a,b\n1,2\n3,4,5\n")
    with pytest.raises(DataError) as err:
        load_mltable(_table(write_mltable, "      delimiter: ','\n"))
    message = str(err.value)
    assert str(path) in message and "Expected 2 columns" in message
    assert "delimiter" in message and "support_multi_line" in message


def test_infer_column_types(write_text, write_mltable):
    write_text("table/a.csv", "id,flag,when,x\n007,true,2024-01-02,1.5\n")
    inferred = load_mltable(_table(write_mltable, "      infer_column_types: true\n"))
    assert inferred.loc[0, "id"] == 7 and inferred.loc[0, "flag"] is np.True_
    assert inferred.loc[0, "when"] == pd.Timestamp("2024-01-02")
    text = load_mltable(_table(write_mltable, "      infer_column_types: false\n"))
    assert text.iloc[0].tolist() == ["007", "true", "2024-01-02", "1.5"]
    for column in text:
        assert pd.api.types.is_string_dtype(text[column])


def test_no_header_without_inference(write_text, write_mltable):
    write_text("table/a.csv", "1,2\n3,4\n")
    frame = load_mltable(
        _table(write_mltable, "      header: no_header\n      infer_column_types: false\n")
    )
    assert frame.to_dict("list") == {"Column1": ["1", "3"], "Column2": ["2", "4"]}


def test_include_path_column_with_many_files(write_text, tmp_path):
    for i in range(5):
        write_text(f"many/{i}.csv", f"i\n{i}\n{i}\n")
    frame = from_delimited_files(
        str(tmp_path / "many"), include_path_column=True
    ).to_pandas_dataframe()
    assert frame["i"].tolist() == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]
    assert frame["Path"].tolist()[::2] == [str(tmp_path / f"many/{i}.csv") for i in range(5)]


def test_gzip_files(tmp_path, people):
    people.to_csv(tmp_path / "a.csv.gz", index=False, compression="gzip")
    pd.testing.assert_frame_equal(
        from_delimited_files(tmp_path / "a.csv.gz").to_pandas_dataframe(), people
    )
    latin = from_delimited_files(tmp_path / "a.csv.gz", encoding="latin1").to_pandas_dataframe()
    pd.testing.assert_frame_equal(latin, people)
