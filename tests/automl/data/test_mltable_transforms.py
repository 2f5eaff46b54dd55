"""Table transformations: take, skip, sampling, columns, and their order."""

from __future__ import annotations

import pandas as pd
import pytest

from automl.data import load_mltable
from automl.errors import DataError


@pytest.fixture
def table(write_mltable, people):
    """``table(steps_yaml)`` -> folder of an MLTable over people.csv with those steps."""

    def make(steps: str):
        folder = write_mltable(
            "paths:\n  - file: people.csv\ntransformations:\n  - read_delimited: {}\n" + steps
        )
        people.to_csv(folder / "people.csv", index=False)
        return folder

    return make


def test_take_and_skip(table, people):
    pd.testing.assert_frame_equal(load_mltable(table("  - take: 2\n")), people.iloc[:2])
    skipped = load_mltable(table("  - skip: 4\n"))
    pd.testing.assert_frame_equal(skipped, people.iloc[4:].reset_index(drop=True))


def test_transformations_run_in_order(table, people):
    frame = load_mltable(table("  - skip: 1\n  - take: 2\n"))
    assert frame["name"].tolist() == ["bob", "cid"]
    frame = load_mltable(table("  - take: 2\n  - skip: 1\n"))
    assert frame["name"].tolist() == ["bob"]


@pytest.mark.parametrize(
    "value, expected",
    [("-1", "out of range"), ("two", "expected an integer"), ("1.5", "expected an integer")],
)
def test_bad_counts(table, value, expected):
    with pytest.raises(DataError, match=rf"transformations\[1\].take' \(line 5\).*{expected}"):
        load_mltable(table(f"  - take: {value}\n"))


def test_take_random_sample_is_reproducible(write_mltable, tmp_path):
    big = pd.DataFrame({"i": range(1000)})
    folder = write_mltable(
        "paths:\n  - file: big.csv\ntransformations:\n  - read_delimited: {}\n"
        "  - take_random_sample:\n      probability: 0.3\n      seed: 7\n"
    )
    big.to_csv(folder / "big.csv", index=False)
    first, second = load_mltable(folder), load_mltable(folder)
    pd.testing.assert_frame_equal(first, second)
    assert 230 < len(first) < 370 and first["i"].is_monotonic_increasing
    assert list(first.index) == list(range(len(first)))


def test_take_random_sample_edges_and_errors(table, people):
    assert len(load_mltable(table("  - take_random_sample: {probability: 1.0}\n"))) == len(people)
    assert load_mltable(table("  - take_random_sample: {probability: 0, seed: 1}\n")).empty
    with pytest.raises(
        DataError, match=r"take_random_sample.probability' \(line 5\).*between 0.0 and 1.0"
    ):
        load_mltable(table("  - take_random_sample: {probability: 1.5}\n"))
    with pytest.raises(DataError, match="missing required option 'probability'"):
        load_mltable(table("  - take_random_sample: {seed: 1}\n"))


def test_keep_and_drop_columns(table, people):
    kept = load_mltable(table("  - keep_columns: [score, name]\n"))
    pd.testing.assert_frame_equal(kept, people[["score", "name"]])
    dropped = load_mltable(table("  - drop_columns: age\n"))
    pd.testing.assert_frame_equal(dropped, people.drop(columns="age"))


@pytest.mark.parametrize("step", ["keep_columns", "drop_columns"])
def test_missing_column_is_named_with_suggestions(table, step):
    with pytest.raises(DataError) as err:
        load_mltable(table(f"  - {step}: [name, agee]\n"))
    message = str(err.value)
    assert f"transformations[1].{step}' (line 5)" in message
    assert "column 'agee' does not exist" in message and "Did you mean 'age'" in message
    assert "Available columns: name, age, country, score" in message


def test_column_lists_must_be_strings(table):
    with pytest.raises(DataError, match="expected a list of strings"):
        load_mltable(table("  - keep_columns: {a: 1}\n"))
