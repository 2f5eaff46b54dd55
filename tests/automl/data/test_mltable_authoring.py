"""Authoring: from_*_files, transformation methods, save and load back."""

from __future__ import annotations

import os

import pandas as pd
import pytest
import yaml

from automl.data import (
    MLTable,
    from_delimited_files,
    from_json_lines_files,
    from_parquet_files,
    load_mltable,
)
from automl.errors import ConfigError, DataError


def _round_trip(table: MLTable, folder) -> pd.DataFrame:
    written = table.save(folder)
    assert written == folder / "MLTable"
    return load_mltable(folder)


def test_delimited_round_trip(tmp_path, people):
    people.to_csv(tmp_path / "people.csv", index=False, sep="|")
    table = from_delimited_files([str(tmp_path / "people.csv")], delimiter="|", encoding="latin1")
    pd.testing.assert_frame_equal(table.to_pandas_dataframe(), people)
    pd.testing.assert_frame_equal(_round_trip(table, tmp_path / "saved"), people)
    document = yaml.safe_load((tmp_path / "saved" / "MLTable").read_text())
    assert document["$schema"].endswith("MLTable.schema.json") and document["type"] == "mltable"
    assert document["paths"] == [{"file": str(tmp_path / "people.csv")}]
    assert document["transformations"][0]["read_delimited"]["delimiter"] == "|"


def test_parquet_and_json_lines_round_trip(tmp_path, people):
    people.to_parquet(tmp_path / "p.parquet")
    people.to_json(tmp_path / "p.jsonl", orient="records", lines=True)
    for table in (
        from_parquet_files(tmp_path / "p.parquet"),
        from_json_lines_files(tmp_path / "p.jsonl", invalid_lines="drop"),
    ):
        pd.testing.assert_frame_equal(_round_trip(table, tmp_path / "saved"), people)


def test_transformations_round_trip(tmp_path, people):
    people.to_csv(tmp_path / "people.csv", index=False)
    table = (
        from_delimited_files(
            tmp_path / "people.csv", infer_column_types=False, include_path_column=True
        )
        .skip(1)
        .take(4)
        .drop_columns("Path")
        .convert_column_types(
            [
                {"columns": ["age"], "column_type": "int"},
                {"columns": "score", "column_type": "float"},
            ]
        )
        .filter('col("age") > 30')
        .keep_columns(["name", "age", "score"])
        .take_random_sample(1.0, seed=3)
    )
    expected = people.iloc[[1, 2, 3], [0, 1, 3]].reset_index(drop=True)
    pd.testing.assert_frame_equal(table.to_pandas_dataframe(), expected)
    pd.testing.assert_frame_equal(_round_trip(table, tmp_path / "deep" / "saved"), expected)
    names = [next(iter(step)) for step in MLTable.load(tmp_path / "deep" / "saved").transformations]
    assert names == [
        "read_delimited",
        "skip",
        "take",
        "drop_columns",
        "convert_column_types",
        "filter",
        "keep_columns",
        "take_random_sample",
    ]


def test_saving_next_to_the_data_and_loaded_tables(tmp_path, people, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data").mkdir()
    people.to_csv(tmp_path / "data" / "a.csv", index=False)
    table = from_delimited_files({"pattern": "data/*.csv"})
    pd.testing.assert_frame_equal(_round_trip(table, tmp_path / "data"), people)
    assert MLTable.load(tmp_path / "data").paths == [{"pattern": "./*.csv"}]
    moved = MLTable.load(tmp_path / "data").take(2)
    pd.testing.assert_frame_equal(_round_trip(moved, tmp_path / "elsewhere"), people.iloc[:2])


def test_absolute_paths_stay_absolute(tmp_path, people):
    people.to_csv(tmp_path / "a.csv", index=False)
    folder = tmp_path / "abs"
    folder.mkdir()
    (folder / "MLTable").write_text(f"paths:\n  - file: {tmp_path / 'a.csv'}\n")
    MLTable.load(folder).save(tmp_path / "resaved")
    assert MLTable.load(tmp_path / "resaved").paths == [{"file": str(tmp_path / "a.csv")}]


def test_path_kinds_are_inferred(tmp_path, people):
    (tmp_path / "dir").mkdir()
    people.to_csv(tmp_path / "dir" / "a.csv", index=False)
    table = from_delimited_files(
        [tmp_path / "dir", str(tmp_path / "dir" / "*.csv"), tmp_path / "dir" / "a.csv"]
    )
    assert [next(iter(p)) for p in table.paths] == ["folder", "pattern", "file"]
    assert len(table.to_pandas_dataframe()) == 3 * len(people)


def test_invalid_arguments(tmp_path):
    with pytest.raises(ConfigError, match="paths: expected a path"):
        from_delimited_files([3])
    with pytest.raises(ConfigError, match="at least one"):
        from_parquet_files([])
    with pytest.raises(DataError, match="header.*unknown value 'first'"):
        from_delimited_files("a.csv", header="first")
    with pytest.raises(DataError, match="invalid_lines"):
        from_json_lines_files("a.jsonl", invalid_lines="ignore")


def test_save_without_overwrite(tmp_path, people):
    people.to_csv(tmp_path / "a.csv", index=False)
    table = from_delimited_files(tmp_path / "a.csv")
    table.save(tmp_path / "saved")
    with pytest.raises(FileExistsError):
        table.save(tmp_path / "saved", overwrite=False)


def test_to_yaml_and_repr(tmp_path):
    table = from_parquet_files(os.path.join("data", "*.parquet")).take(3)
    assert "pattern: data/*.parquet" in table.to_yaml() and "take: 3" in table.to_yaml()
    expected = (
        "MLTable(paths=[{'pattern': 'data/*.parquet'}], transformations=['read_parquet', 'take'])"
    )
    assert repr(table) == expected
    assert table.source is None
