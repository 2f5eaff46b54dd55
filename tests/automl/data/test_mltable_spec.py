"""MLTable files: loading, inspecting, and every document error with its line."""

from __future__ import annotations

import pandas as pd
import pytest

from automl.data import MLTable, load_mltable
from automl.errors import DataError

CSV = "a,b\n1,x\n2,y\n"


def _load_error(write_mltable, write_text, text: str) -> str:
    folder = write_mltable(text)
    write_text("table/a.csv", CSV)
    with pytest.raises(DataError) as err:
        MLTable.load(folder).to_pandas_dataframe()
    return str(err.value)


def test_load_and_inspect(write_mltable, write_text):
    folder = write_mltable("""
        $schema: https://azuremlschemas.azureedge.net/latest/MLTable.schema.json
        type: mltable
        paths:
          - file: ./a.csv
        transformations:
          - read_delimited:
              delimiter: ','
              encoding: ascii
          - take: 1
    """)
    write_text("table/a.csv", CSV)
    table = MLTable.load(folder)
    assert table.paths == [{"file": "./a.csv"}]
    assert table.transformations == [
        {"read_delimited": {"delimiter": ",", "encoding": "ascii"}},
        {"take": 1},
    ]
    assert table.source == str(folder / "MLTable")
    assert table.base_path == str(folder)
    assert "read_delimited" in repr(table)
    pd.testing.assert_frame_equal(table.to_pandas_dataframe(), pd.DataFrame({"a": [1], "b": ["x"]}))
    pd.testing.assert_frame_equal(load_mltable(folder), table.to_pandas_dataframe())


def test_read_transformation_without_options_and_inferred_reader(write_mltable, write_text, people):
    folder = write_mltable("""
        paths:
          - pattern: ./*.parquet
        transformations:
          - read_parquet
    """)
    people.to_parquet(folder / "p.parquet")
    pd.testing.assert_frame_equal(load_mltable(folder), people)
    folder = write_mltable("paths:\n  - file: ./a.csv\n", folder="inferred")
    write_text("inferred/a.csv", CSV)
    assert load_mltable(folder).shape == (2, 2)


def test_no_reader_and_unknown_extension(write_mltable, write_text):
    folder = write_mltable("paths:\n  - file: ./a.dat\n")
    write_text("table/a.dat", CSV)
    with pytest.raises(DataError, match="no read transformation.*read_delimited"):
        load_mltable(folder)


def test_no_mltable_file_in_folder(tmp_path):
    (tmp_path / "mltable.yaml").write_text("paths: []")
    with pytest.raises(DataError) as err:
        MLTable.load(tmp_path)
    message = str(err.value)
    assert "no `MLTable` file" in message and str(tmp_path) in message
    assert "mltable.yaml" in message and "named exactly `MLTable`" in message


def test_missing_folder(tmp_path):
    with pytest.raises(DataError, match="does not exist"):
        MLTable.load(tmp_path / "nope")


def test_invalid_yaml_names_file_and_line(write_mltable):
    folder = write_mltable(
        "paths:\n  - file: ./a.csv\ntransformations:\n  - read_delimited: {delimiter: ','\n"
    )
    with pytest.raises(DataError) as err:
        MLTable.load(folder)
    message = str(err.value)
    assert "invalid YAML" in message and str(folder / "MLTable") in message
    assert "line 5" in message


def test_empty_and_non_mapping_documents(write_mltable):
    with pytest.raises(DataError, match="the file is empty"):
        MLTable.load(write_mltable(""))
    with pytest.raises(DataError, match="expected a YAML mapping"):
        MLTable.load(write_mltable("- file: a.csv", folder="list"))


def test_unknown_top_level_key(write_mltable, write_text):
    message = _load_error(write_mltable, write_text, "path:\n  - file: ./a.csv\n")
    assert "key 'path' (line 1)" in message and "Did you mean 'paths'" in message
    assert "Valid keys: $schema, type, paths, transformations" in message


def test_wrong_type_and_missing_paths(write_mltable, write_text):
    message = _load_error(write_mltable, write_text, "type: uri_file\npaths:\n  - file: ./a.csv\n")
    assert "key 'type' (line 1)" in message and "type: mltable" in message
    message = _load_error(write_mltable, write_text, "type: mltable\n")
    assert "has no `paths`" in message


def test_malformed_path_entries(write_mltable, write_text):
    message = _load_error(write_mltable, write_text, "paths:\n  - ./a.csv\n")
    assert "key 'paths[0]' (line 2)" in message and "- file: ./a.csv" in message
    message = _load_error(write_mltable, write_text, "paths:\n  - fle: ./a.csv\n")
    assert "paths[0].fle" in message and "Did you mean 'file'" in message
    message = _load_error(write_mltable, write_text, "paths: []\n")
    assert "non-empty list of paths" in message


def test_unknown_transformation_lists_valid_ones(write_mltable, write_text):
    message = _load_error(
        write_mltable,
        write_text,
        """
        paths:
          - file: ./a.csv
        transformations:
          - read_delimited: {}
          - keep_column: [a]
    """,
    )
    assert "key 'transformations[1].keep_column' (line 5)" in message
    assert "Did you mean 'keep_columns'" in message
    for name in ("read_parquet", "take_random_sample", "extract_columns_from_partition_format"):
        assert name in message


def test_unknown_option_names_line_and_valid_options(write_mltable, write_text):
    message = _load_error(
        write_mltable,
        write_text,
        """
        paths:
          - file: ./a.csv
        transformations:
          - read_delimited:
              delimiter: ','
              headers: no_header
    """,
    )
    assert "MLTable file" in message and "MLTable'" in message
    assert "key 'transformations[0].read_delimited.headers' (line 6)" in message
    assert "Did you mean 'header'" in message and "support_multi_line" in message


def test_invalid_option_value(write_mltable, write_text):
    message = _load_error(
        write_mltable,
        write_text,
        """
        paths:
          - file: ./a.csv
        transformations:
          - read_delimited:
              header: first_file
    """,
    )
    assert "read_delimited.header' (line 5)" in message
    assert "from_first_file" in message and "all_files_different_headers" in message
    message = _load_error(
        write_mltable,
        write_text,
        """
        paths:
          - file: ./a.csv
        transformations:
          - read_delimited:
              include_path_column: maybe
    """,
    )
    assert "include_path_column" in message and "true or false" in message


def test_reader_must_come_first(write_mltable, write_text):
    message = _load_error(
        write_mltable,
        write_text,
        """
        paths:
          - file: ./a.csv
        transformations:
          - take: 1
          - read_delimited: {}
    """,
    )
    assert "must be the first transformation" in message and "(line 5)" in message


def test_delta_lake_is_reported_unsupported(write_mltable, write_text):
    message = _load_error(
        write_mltable,
        write_text,
        """
        paths:
          - folder: ./
        transformations:
          - read_delta_lake:
              version_as_of: 1
    """,
    )
    assert "read_delta_lake is not supported" in message and "read_parquet" in message


def test_non_utf8_mltable_file(tmp_path):
    (tmp_path / "MLTable").write_bytes(b"paths:\n  - file: caf\xe9.csv\n")
    with pytest.raises(DataError, match="not UTF-8"):
        MLTable.load(tmp_path)


def test_traits_are_kept(write_mltable, write_text):
    folder = write_mltable("""
        paths:
          - file: ./a.csv
        transformations:
          - read_delimited: {}
        traits:
          index_columns: [a]
    """)
    write_text("table/a.csv", CSV)
    assert "index_columns" in MLTable.load(folder).to_yaml()
