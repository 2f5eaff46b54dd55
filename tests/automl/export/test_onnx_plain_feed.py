"""The feed of a small request built from JSON lists equals the feed of the same rows as a DataFrame."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from automl.export import onnx_feed, plain_feed

KINDS = {"age": "number", "city": "string", "grade": "string", "fare": "number"}


def _same_feed(rows: list[list], columns: list[str]) -> dict[str, np.ndarray]:
    lists = plain_feed(columns, rows, KINDS)
    frame = onnx_feed(pd.DataFrame(rows, columns=columns), KINDS, object_strings=True)
    assert lists is not None and list(lists) == list(frame)
    for column in KINDS:
        assert lists[column].shape == frame[column].shape == (len(rows), 1)
        assert lists[column].dtype == frame[column].dtype, column
        np.testing.assert_array_equal(lists[column], frame[column], err_msg=column)
    return lists


@pytest.mark.parametrize("rows", [
    [[31, "oslo", "A", 7.25]],
    [[None, "lima", 3, float("inf")], [40, "oslo", 12, -1e300]],
    [[2.5, "x", None, None]],
    [[1, "x", True, 3], [2, "y", 4.0, 1e40]],
    [[1, "x", 2 ** 60, 3]],
], ids=["plain", "missing-and-integers-as-categories", "null-category", "bool-and-float-categories", "huge-int"])
def test_the_lists_feed_what_the_frame_feeds(rows):
    _same_feed(rows, ["age", "city", "grade", "fare"])


def test_the_columns_may_come_in_any_order():
    feed = _same_feed([["b", 2, 1.5, "a"]], ["grade", "age", "fare", "city"])
    assert feed["grade"][0, 0] == "b" and feed["fare"][0, 0] == 1.5
    assert math.isnan(_same_feed([[None, "c", "g", 1]], ["age", "city", "grade", "fare"])["age"][0, 0])


@pytest.mark.parametrize("columns, rows", [
    (["age", "city", "grade"], [[1, "x", "g"]]),                      # a column missing
    (["age", "city", "grade", "fare", "extra"], [[1, "x", "g", 2, 3]]),  # one too many
    (["age", "city", "grade", "fare"], [["7.5", "x", "g", 2]]),        # a number as text: checked first
    (["age", "city", "grade", "fare"], [[True, "x", "g", 2]]),         # a bool where a number goes
    (["age", "city", "grade", "fare"], []),                            # no rows
    (["age", "city", "grade", "fare"], [[1, "x", "g", 2]] * 65),       # more than a small request
])
def test_anything_the_frame_path_must_check_is_left_to_it(columns, rows):
    assert plain_feed(columns, rows, KINDS) is None


def test_dates_are_left_to_the_frame_path():
    assert plain_feed(["when"], [["2020-01-02"]], {"when": "datetime"}) is None
