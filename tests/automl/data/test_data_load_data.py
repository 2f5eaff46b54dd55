"""automl.data.load_data: files, folders, MLTable folders, Inputs and DataFrames."""

from __future__ import annotations

import gzip

import pandas as pd
import pytest

from automl.data import Input, MLTable, from_delimited_files, load_data
from automl.errors import ConfigError, DataError

WRITERS = {
    "csv": lambda df, p: df.to_csv(p, index=False),
    "csv.gz": lambda df, p: df.to_csv(p, index=False, compression="gzip"),
    "tsv": lambda df, p: df.to_csv(p, index=False, sep="\t"),
    "parquet": lambda df, p: df.to_parquet(p, index=False),
    "pq": lambda df, p: df.to_parquet(p, index=False),
    "jsonl": lambda df, p: df.to_json(p, orient="records", lines=True),
    "json": lambda df, p: df.to_json(p, orient="records", lines=True),
}


@pytest.mark.parametrize("suffix", sorted(WRITERS))
def test_each_file_format(tmp_path, people, suffix):
    path = tmp_path / f"people.{suffix}"
    WRITERS[suffix](people, path)
    pd.testing.assert_frame_equal(load_data(path), people)
    pd.testing.assert_frame_equal(load_data(str(path)), people)
    pd.testing.assert_frame_equal(load_data(Input(type="uri_file", path=path)), people)


def test_json_array_file(tmp_path, people):
    path = tmp_path / "people.json"
    people.to_json(path, orient="records")
    pd.testing.assert_frame_equal(load_data(path), people)


def test_dataframe_is_copied_not_reread(people):
    loaded = load_data(people)
    pd.testing.assert_frame_equal(loaded, people)
    loaded.loc[0, "age"] = 99
    assert people.loc[0, "age"] == 25


def test_mltable_object_is_accepted(tmp_path, people):
    people.to_csv(tmp_path / "a.csv", index=False)
    pd.testing.assert_frame_equal(load_data(from_delimited_files(tmp_path / "a.csv")), people)


def test_uri_folder_concatenates_files_of_one_format(tmp_path, people):
    folder = tmp_path / "parts"
    folder.mkdir()
    people.iloc[:3].to_csv(folder / "a.csv", index=False)
    people.iloc[3:].to_csv(folder / "b.csv.gz", index=False, compression="gzip")
    (folder / ".hidden.csv").write_text("junk")
    (folder / "_SUCCESS").write_text("")
    (folder / "README.md").write_text("notes")
    pd.testing.assert_frame_equal(load_data(Input(type="uri_folder", path=folder)), people)
    pd.testing.assert_frame_equal(load_data(folder), people)


def test_folder_with_mltable_uses_it(write_mltable, write_text):
    folder = write_mltable("""
        paths:
          - file: ./data.txt
        transformations:
          - read_delimited:
              delimiter: ';'
    """)
    write_text("table/data.txt", "a;b\n1;2\n3;4\n")
    expected = pd.DataFrame({"a": [1, 3], "b": [2, 4]})
    for source in (
        folder,
        folder / "MLTable",
        Input(type="mltable", path=folder),
        Input(type="uri_folder", path=folder),
        Input(type="mltable", path=folder / "MLTable"),
    ):
        pd.testing.assert_frame_equal(load_data(source), expected)
    assert isinstance(MLTable.load(folder), MLTable)


def test_missing_file_suggests_close_names(tmp_path):
    (tmp_path / "train.csv").write_text("a\n1\n")
    with pytest.raises(DataError) as err:
        load_data(tmp_path / "trian.csv", setting="validation_data")
    message = str(err.value)
    assert message.startswith("validation_data:")
    assert "trian.csv" in message and "Did you mean 'train.csv'" in message


def test_missing_folder(tmp_path):
    with pytest.raises(DataError, match="there is no folder"):
        load_data(tmp_path / "nope" / "a.csv")


def test_unsupported_extension_lists_supported(tmp_path):
    path = tmp_path / "data.xlsx"
    path.write_bytes(b"PK")
    with pytest.raises(DataError) as err:
        load_data(path)
    message = str(err.value)
    assert "training_data" in message and "data.xlsx" in message
    for suffix in (".csv", ".csv.gz", ".tsv", ".parquet", ".pq", ".jsonl", ".json"):
        assert suffix in message


def test_header_only_file_has_no_rows(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("a,b\n")
    with pytest.raises(DataError, match=r"training_data: .*empty\.csv.* has no rows"):
        load_data(path)


def test_empty_file_has_no_columns(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("")
    with pytest.raises(DataError, match=r"empty\.csv.* has no columns"):
        load_data(path)


def test_empty_dataframe(people):
    with pytest.raises(DataError, match="test_data: the DataFrame has no rows"):
        load_data(people.iloc[:0], setting="test_data")


def test_filter_that_removes_all_rows(tmp_path, people):
    people.to_csv(tmp_path / "a.csv", index=False)
    table = from_delimited_files(tmp_path / "a.csv").filter('col("age") > 1000')
    assert table.to_pandas_dataframe().empty
    with pytest.raises(DataError, match="has no rows.*filter"):
        load_data(table)


def test_unreadable_parquet(tmp_path):
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"this is not parquet")
    with pytest.raises(
        DataError, match=r"training_data: .*broken\.parquet.*not a readable Parquet"
    ):
        load_data(path)


def test_truncated_gzip_is_a_data_error(tmp_path, people):
    path = tmp_path / "cut.csv.gz"
    data = gzip.compress(people.to_csv(index=False).encode())
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(DataError, match=r"cut\.csv\.gz"):
        load_data(path)


def test_ragged_csv_is_a_data_error(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("a,b\n1,2\n3,4,5\n")
    with pytest.raises(DataError, match=r"ragged\.csv.*delimiter"):
        load_data(path)


def test_folder_without_data(tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(DataError, match="no MLTable file and no data file"):
        load_data(tmp_path)


def test_folder_mixing_formats(tmp_path, people):
    people.to_csv(tmp_path / "a.csv", index=False)
    people.to_parquet(tmp_path / "b.parquet")
    with pytest.raises(DataError, match="mixes file formats.*csv.*parquet"):
        load_data(tmp_path)


def test_input_type_must_match_the_path(tmp_path, people):
    people.to_csv(tmp_path / "a.csv", index=False)
    with pytest.raises(DataError, match="uri_file.*uri_folder"):
        load_data(Input(type="uri_file", path=tmp_path))
    with pytest.raises(DataError, match="uri_folder.*uri_file"):
        load_data(Input(type="uri_folder", path=tmp_path / "a.csv"))
    with pytest.raises(DataError, match="no `MLTable` file"):
        load_data(Input(type="mltable", path=tmp_path))


def test_unsupported_source_type():
    with pytest.raises(ConfigError, match="training_data: expected a path"):
        load_data(42)


def test_azure_asset_reference():
    with pytest.raises(DataError, match="az ml data download --name adult"):
        load_data("azureml:adult:1")
