"""``filter``: the safe expression parser."""

from __future__ import annotations

import pandas as pd
import pytest

from automl.data import from_parquet_files, load_mltable
from automl.data.mltable import FilterExpression
from automl.errors import DataError


@pytest.fixture
def frame(people):
    return people.assign(nick=["a", None, "c", None, "e", "f"])


def _names(frame, expression: str) -> list[str]:
    mask = FilterExpression(expression)(frame)
    return frame.loc[mask, "name"].tolist()


@pytest.mark.parametrize(
    "expression, expected",
    [
        ('col("age") > 32 and col("country") == "UK"', ["cid"]),
        ('col("age") > 32 or col("country") == "UK"', ["ann", "bob", "cid", "dee", "eve", "fay"]),
        ('not col("country") == "UK"', ["bob", "dee", "fay"]),
        ('col("country") != "UK" and not (col("age") >= 58)', ["bob", "fay"]),
        ('25 < col("age") <= 41', ["bob", "cid", "fay"]),
        ('col("country") in ["FR", "DE"]', ["bob", "dee", "fay"]),
        ('col("country") not in ("FR", "DE")', ["ann", "cid", "eve"]),
        ('col("age") in [-1, 19]', ["eve"]),
        ('col("nick") is None', ["bob", "dee"]),
        ('col("nick") is not None and col("score") * 2 + 1 > 4', ["cid"]),
        ('col("age") % 2 == 1 and col("age") // 10 == 3', ["cid", "fay"]),
        ('col("score") / col("age") > 0.03 or -col("age") < -50', ["bob", "cid", "dee"]),
        ("True", ["ann", "bob", "cid", "dee", "eve", "fay"]),
        ('col("nick") == "a"', ["ann"]),
    ],
)
def test_expressions(frame, expression, expected):
    assert _names(frame, expression) == expected


@pytest.mark.parametrize(
    "expression, reason",
    [
        ('__import__("os").system("echo hacked")', "only col"),
        ('col("age").__class__', "Attribute expressions are not allowed"),
        ("open('/etc/passwd')", "only col"),
        ("(lambda: 1)()", "only col"),
        ('col("age")[0] > 1', "Subscript expressions are not allowed"),
        ("age > 3", "bare name 'age'"),
        ('col("age") ** 2 > 1', "operator Pow is not allowed"),
        ("col(name) > 1", "one quoted column name"),
        ('col("a", "b") > 1', "one quoted column name"),
        ('col("country") in col("name")', "needs a list of constants"),
        ('col("country") in [col("name")]', "may only hold constants"),
        ('col("nick") is "a"', "can only test None"),
        ("[x for x in ()]", "ListComp expressions are not allowed"),
        ('f"{col}" == "a"', "JoinedStr expressions are not allowed"),
        ("b'x' == 1", "constant b'x' is not allowed"),
    ],
)
def test_code_and_unknown_constructs_are_rejected(expression, reason):
    with pytest.raises(ValueError, match=reason):
        FilterExpression(expression)


def test_nothing_is_executed(tmp_path, monkeypatch):
    import builtins

    called = []
    monkeypatch.setattr(
        builtins, "__import__", lambda *a, **k: called.append(a) or pytest.fail("imported")
    )
    with pytest.raises(ValueError):
        FilterExpression('__import__("os").system("rm -rf /")')
    assert called == []


@pytest.fixture
def table(write_mltable, people):
    def make(expression: str):
        folder = write_mltable(
            "paths:\n  - file: p.parquet\ntransformations:\n  - read_parquet: {}\n"
            f"  - filter: '{expression}'\n"
        )
        people.to_parquet(folder / "p.parquet")
        return folder

    return make


def test_filter_in_an_mltable(table, people):
    frame = load_mltable(table('col("age") > 32 and col("country") == "UK"'))
    pd.testing.assert_frame_equal(frame, people.iloc[[2]].reset_index(drop=True))


def test_code_in_an_mltable_is_rejected_with_its_key(table):
    with pytest.raises(DataError) as err:
        load_mltable(table('__import__("os").system("echo hacked")'))
    message = str(err.value)
    assert "key 'transformations[1].filter' (line 5)" in message
    assert "is not a valid expression" in message and 'only col("name") can be called' in message


def test_syntax_error(table):
    with pytest.raises(DataError, match=r"filter' \(line 5\).*not a valid expression.*column"):
        load_mltable(table('col("age") >'))


def test_missing_column(table):
    with pytest.raises(
        DataError, match=r"filter' \(line 5\): column 'agee' does not exist.*Did you mean 'age'"
    ):
        load_mltable(table('col("agee") > 3'))


def test_type_mismatch(table):
    with pytest.raises(DataError, match=r"cannot be evaluated.*convert_column_types"):
        load_mltable(table('col("country") > 3'))


def test_not_a_condition(table):
    with pytest.raises(DataError, match="not a condition"):
        load_mltable(table('col("age") + 1'))
    with pytest.raises(DataError, match="not a condition"):
        load_mltable(table('col("age") and col("score")'))


def test_non_string_and_oversized_filters(tmp_path, people):
    people.to_parquet(tmp_path / "p.parquet")
    table = from_parquet_files(tmp_path / "p.parquet")
    with pytest.raises(DataError, match="expected an expression as a string"):
        table.filter(3)
    with pytest.raises(DataError, match="longer than"):
        table.filter("1 == 1 and " * 2000 + "True")
    with pytest.raises(DataError, match="not a valid expression"):
        table.filter("(" * 500 + "True" + ")" * 500)
