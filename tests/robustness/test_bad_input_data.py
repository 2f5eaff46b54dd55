"""Bad-input catalogue, part 1: files, columns and values.

Each case is handled correctly (the job completes and the odd data means what it
should) or refused with an ``automl.errors`` error that names the file or column and
the fix. None may fail inside pandas, pyarrow or scikit-learn.
"""
from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from automl.errors import DataError
from tests.robustness.conftest import labelled_frame, quick_job, refused


def _write(tmp_path, name: str, content: str | bytes):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return str(path)


def _rows(n: int = 60) -> str:
    return "".join(f"{i},{'ab'[i % 2]}\n" for i in range(n))


@pytest.mark.parametrize("name, content, expected", [
    ("empty.csv", "", "has no columns"),
    ("header_only.csv", "x,label\n", "has no rows"),
    ("blank_lines.csv", "\n\n\n", "has no columns"),
], ids=["empty-file", "header-only", "blank-lines"])
def test_empty_files_are_refused_naming_the_file(tmp_path, name, content, expected):
    path = _write(tmp_path, name, content)
    with refused(DataError) as info:
        quick_job(path).submit(show_progress=False)
    message = str(info.value)
    assert name in message and expected in message and "training_data" in message


def test_duplicate_header_names_in_a_file_are_told_apart(tmp_path):
    path = _write(tmp_path, "dup.csv", "x,x,label\n" + "".join(
        f"{i},{i % 7},{'ab'[i % 2]}\n" for i in range(60)))
    result = quick_job(path).submit(show_progress=False)
    assert result.status == "Completed"
    assert list(result.featurization_summary["RawFeatureName"]) == ["x", "x.1"]


def test_duplicate_column_names_in_a_frame_are_refused(frame):
    frame.columns = ["x", "x", "label"]
    with refused(DataError, match=r"training_data: .*duplicate column names \('x'\).*Rename"):
        quick_job(frame).submit(show_progress=False)


def test_column_names_ending_in_nul_are_refused_with_the_fix():
    frame = pd.DataFrame({"x\x00": np.arange(50.0), "y": ["a", "b"] * 25, "label": ["y", "n"] * 25})
    with refused(DataError, match=r"end in a NUL character \('x\\x00'\).*rstrip"):
        quick_job(frame).submit(show_progress=False)


def test_non_string_column_names_are_refused_with_the_fix():
    frame = pd.DataFrame({0: np.arange(50.0), 1: ["a", "b"] * 25, "label": ["y", "n"] * 25})
    with refused(DataError, match=r"not strings \(0, 1\).*astype\(str\)"):
        quick_job(frame).submit(show_progress=False)


def test_non_utf8_bytes_name_the_file_the_byte_and_the_encoding_setting(tmp_path):
    text = "x,city,label\n" + "".join(f"{i},caf\xe9 {i % 3},{'ab'[i % 2]}\n" for i in range(60))
    path = _write(tmp_path, "latin.csv", text.encode("latin-1"))
    with refused(DataError) as info:
        quick_job(path).submit(show_progress=False)
    message = str(info.value)
    assert "latin.csv" in message and "line 2" in message and "encoding" in message


def test_thousands_separators_are_read_as_numbers(tmp_path):
    lines = "".join(f'"{i * 1234:,}",{"ab"[i % 2] if i < 30 else "ba"[i % 2]}\n' for i in range(60))
    path = _write(tmp_path, "grouped.csv", "amount,label\n" + lines)
    result = quick_job(path).submit(show_progress=False)
    summary = result.featurization_summary.set_index("RawFeatureName")
    assert result.status == "Completed" and summary.loc["amount", "TypeDetected"] == "Numeric"
    featurized = result.featurize(pd.DataFrame({"amount": ["1,234,567.5", "12"]}))
    assert featurized["amount"].tolist() == [1234567.5, 12.0]


def test_infinities_and_huge_numbers_in_features(frame):
    frame.loc[::5, "x"] = np.inf
    frame.loc[1::7, "x"] = -np.inf
    frame.loc[[2, 4], "x"] = [1e300, -1e300]  # beyond float32, the learners' precision
    result = quick_job(frame).submit(show_progress=False)
    assert result.status == "Completed"
    assert "x_WASNULL" in result.engineered_feature_names
    out = result.featurize(frame.drop(columns="label")).to_numpy(dtype=float)
    assert np.isfinite(out).all()


def test_mixed_type_columns_train(frame):
    frame["mixed"] = [i if i % 2 else f"s{i % 4}" for i in range(len(frame))]
    frame["anything"] = [1.5, "a", None, True] * (len(frame) // 4)
    result = quick_job(frame).submit(show_progress=False)
    assert result.status == "Completed"
    assert set(result.featurization_summary["RawFeatureName"]) == {"x", "colour", "mixed", "anything"}
    assert len(result.predict(frame.drop(columns="label").head(5))) == 5


def test_categorical_with_100000_levels_is_dropped_quickly():
    rng = np.random.default_rng(0)
    n = 100_000
    frame = pd.DataFrame({"id": [f"level{i}" for i in range(n)], "x": rng.random(n)})
    frame["label"] = np.where(frame["x"] > 0.5, "yes", "no")
    started = time.monotonic()
    result = quick_job(frame, validation_data_size=0.1).submit(show_progress=False)
    seconds = time.monotonic() - started
    print(f"100,000-level categorical, 100,000 rows: {seconds:.1f} s")
    summary = result.featurization_summary.set_index("RawFeatureName")
    assert result.status == "Completed" and summary.loc["id", "Dropped"] == "Yes"
    assert len(result.engineered_feature_names) <= 3 and seconds < 120


def test_ten_thousand_columns():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.random((120, 10_000)), columns=[f"c{i}" for i in range(10_000)])
    frame["label"] = np.where(frame["c0"] > 0.5, "yes", "no")
    started = time.monotonic()
    result = quick_job(frame, n_cross_validations=2).submit(show_progress=False)
    seconds = time.monotonic() - started
    print(f"10,000 columns, 120 rows: {seconds:.1f} s")
    assert result.status == "Completed" and result.data_shape == (120, 10_000)
    assert len(result.engineered_feature_names) == 10_000


def test_unicode_and_whitespace_column_names(frame):
    frame.columns = ["  x  ", "colöur ✓", "label"]
    frame["名前"] = ["あ", "い", "う"] * (len(frame) // 3)
    result = quick_job(frame).submit(show_progress=False)
    assert result.status == "Completed"
    assert {"  x  ", "colöur ✓", "名前"} == set(result.featurization_summary["RawFeatureName"])
    shuffled = frame.drop(columns="label")[["名前", "colöur ✓", "  x  "]]
    assert len(result.predict(shuffled)) == len(frame)


def test_names_colliding_with_engineered_names_stay_distinct(frame):
    frame.loc[::4, "x"] = np.nan
    frame["colour_red"] = np.arange(len(frame)) % 7 * 1.0      # one-hot names colour's "red" so
    frame["x_WASNULL"] = np.arange(len(frame)) % 5 * 1.0       # the marker of x is named so
    result = quick_job(frame).submit(show_progress=False)
    names = result.engineered_feature_names
    assert result.status == "Completed" and len(names) == len(set(names))
    assert {"colour_red", "x_WASNULL"} <= set(names)
    featurized = result.featurize(frame.drop(columns="label"))
    assert list(featurized.columns) == names


def test_every_feature_dropped_is_refused_with_the_reasons():
    frame = pd.DataFrame({"id": [f"id{i:05d}" for i in range(300)], "const": 1.0,
                          "label": np.arange(300) % 2})
    with refused(DataError) as info:
        quick_job(frame).submit(show_progress=False)
    message = str(info.value)
    assert "drops every feature column" in message and "'id': dropped: ID-like" in message
    assert "'const': dropped: a single value" in message and "column_name_and_types" in message


def test_all_missing_feature_column_is_dropped_not_fatal(frame):
    frame["empty"] = np.nan
    result = quick_job(frame).submit(show_progress=False)
    summary = result.featurization_summary.set_index("RawFeatureName")
    assert result.status == "Completed" and summary.loc["empty", "Dropped"] == "Yes"


def test_nothing_but_the_target(tmp_path):
    with refused(DataError, match="no feature columns besides label"):
        quick_job(labelled_frame()[["label"]]).submit(show_progress=False)
