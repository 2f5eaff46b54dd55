"""Missing values, high cardinality, constant/empty columns, class balance and memory checks."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from guardrails import ALERTED, DONE, PASSED, GuardrailContext, GuardrailResult
from guardrails._balance import check_class_balance
from guardrails._cardinality import check_high_cardinality
from guardrails._constant import check_constant_features
from guardrails._memory import check_memory, format_bytes, with_skipped_trials
from guardrails._missing import check_missing_values


def ctx(X, y=None, task="classification", **kwargs) -> GuardrailContext:
    return GuardrailContext(pd.DataFrame(X), y, task, **kwargs)


# --- missing values ---------------------------------------------------------------------------

def test_missing_passed_without_missing_values():
    assert check_missing_values(ctx({"a": [1.0, 2.0], "b": ["x", "y"]})).status == PASSED


def test_missing_done_with_per_column_counts_including_inf():
    X = {"a": [1.0, np.nan, np.inf, 4.0], "b": ["x", None, "y", "z"], "c": [1, 2, 3, 4],
         "d": pd.array([1, None, None, 4], dtype="Int64")}
    result = check_missing_values(ctx(X))
    assert result.status == DONE
    assert result.details == [
        {"Column": "a", "Missing values": 2, "Missing %": 50.0},
        {"Column": "b", "Missing values": 1, "Missing %": 25.0},
        {"Column": "d", "Missing values": 2, "Missing %": 50.0},
    ]


def test_missing_skips_dropped_columns_and_shows_purposes():
    X = {"a": [1.0, np.nan, 3.0], "gone": [None, None, None]}
    result = check_missing_values(ctx(X, purposes={"a": "Numeric", "gone": "AllNan"}))
    assert [d["Column"] for d in result.details] == ["a"]
    assert result.details[0]["Type detected"] == "Numeric"


def test_missing_counts_every_row_when_x_is_a_sample():
    """A distributed job's X is a sample: the counts of every row (its aggregates) are reported."""
    sample = {"a": [1.0, 2.0], "b": ["x", "y"]}  # nothing missing in the sample
    result = check_missing_values(ctx(sample, total_rows=1_000_000, total_missing_counts={"a": 50_000, "b": 0}))
    assert result.status == DONE
    assert result.details == [{"Column": "a", "Missing values": 50_000, "Missing %": 5.0}]
    assert check_missing_values(ctx(sample)).status == PASSED


def test_missing_alerted_when_featurization_is_off():
    result = check_missing_values(ctx({"a": [1.0, np.nan]}, featurization_mode="off"))
    assert result.status == ALERTED and "featurization is off" in result.description


# --- high cardinality -------------------------------------------------------------------------

def test_high_cardinality_needs_purposes():
    assert check_high_cardinality(ctx({"a": ["x", "y"]})) is None


def test_high_cardinality_lists_hashed_text_and_dropped_columns():
    X = {"id": ["a", "b", "c", "d"], "zone": ["z1", "z2", "z1", "z3"], "t": ["w w", "x x", "y", "z"],
         "junk": ["1", "2", "3", "3"], "const": ["k"] * 4, "n": [1.0, 2.0, 3.0, 4.0]}
    purposes = {"id": "Hashes", "zone": "CategoricalHash", "t": "Text", "junk": "Ignore",
                "const": "Ignore", "n": "Numeric"}
    result = check_high_cardinality(ctx(X, purposes=purposes))
    assert result.status == DONE
    assert [(d["Column"], d["Unique values"], d["Action"]) for d in result.details] == [
        ("id", 4, "dropped (ID-like values)"), ("zone", 3, "hashed one-hot encoding"),
        ("t", 4, "TF-IDF text features"), ("junk", 3, "dropped (high cardinality, not text)")]


def test_high_cardinality_reports_every_row_s_distinct_values_when_x_is_a_sample():
    """A distributed job's X is a sample: an ID column's distinct values are those of every row (its
    aggregates), not the sample's few."""
    sample = {"order": ["o1", "o2", "o3"], "zone": ["z1", "z2", "z1"]}
    purposes = {"order": "Hashes", "zone": "CategoricalHash"}
    result = check_high_cardinality(ctx(sample, purposes=purposes, total_rows=2_000_000,
                                        total_unique_counts={"order": 1_987_654}))
    assert [(d["Column"], d["Unique values"]) for d in result.details] == [("order", 1_987_654), ("zone", 2)]


def test_high_cardinality_passed():
    result = check_high_cardinality(ctx({"a": [1.0]}, purposes={"a": "Numeric"}))
    assert result.status == PASSED


# --- constant and empty columns ---------------------------------------------------------------

def test_constant_and_empty_columns():
    X = {"empty": [np.nan, np.nan], "inf": [np.inf, -np.inf], "const": ["a", None],
         "ok": [1.0, 2.0]}
    result = check_constant_features(ctx(X))
    assert result.status == DONE and result.details == [
        {"Column": "empty", "Reason": "all values missing", "Action": "dropped"},
        {"Column": "inf", "Reason": "all values missing", "Action": "dropped"},
        {"Column": "const", "Reason": "a single value", "Action": "dropped"},
    ]
    assert check_constant_features(ctx({"ok": [1.0, 2.0]})).status == PASSED


def test_a_column_constant_in_the_sample_only_is_not_reported():
    sample = {"flag": ["common"] * 3, "const": ["k"] * 3}
    result = check_constant_features(ctx(sample, total_rows=1_000_000, total_unique_counts={"flag": 2, "const": 1}))
    assert [d["Column"] for d in result.details] == ["const"]


def test_constant_columns_kept_are_alerted():
    X = {"const": ["a", "a"], "x": [1.0, 2.0]}
    assert check_constant_features(ctx(X, featurization_mode="off")).status == ALERTED
    result = check_constant_features(ctx(X, purposes={"const": "Categorical", "x": "Numeric"}))
    assert result.status == ALERTED and result.details[0]["Action"] == "kept (set as Categorical)"


# --- class balance ----------------------------------------------------------------------------

@pytest.mark.parametrize("minority, status", [(20, ALERTED), (21, PASSED)])
def test_balance_threshold_is_20_percent_of_the_largest_class(minority, status):
    y = pd.Series(["big"] * 100 + ["small"] * minority)
    result = check_class_balance(ctx({"a": range(len(y))}, y))
    assert result.status == status
    assert result.details[0] == {"Class": "big", "Rows": 100, "Share %": round(10000 / len(y), 2)}


def test_balance_done_when_class_weights_are_applied():
    y = pd.Series([0] * 90 + [1] * 10)
    result = check_class_balance(ctx({"a": range(100)}, y, class_weights_applied=True))
    assert result.status == DONE and "class weights" in result.description


def test_balance_counts_every_row_when_y_is_a_sample():
    """A sample may look balanced where the whole data is not: the whole data's class counts win."""
    counts = pd.Series({"no": 900_000, "yes": 100_000})
    result = check_class_balance(ctx({"a": [1, 2, 3, 4]}, y=["no", "yes", "no", "yes"], total_class_counts=counts))
    assert result.status == ALERTED and "yes: 100,000 rows" in result.description
    assert [d["Rows"] for d in result.details] == [900_000, 100_000]
    assert check_class_balance(ctx({"a": [1, 2, 3, 4]}, y=["no", "yes", "no", "yes"])).status == PASSED


def test_balance_not_applicable():
    y = pd.Series([1.0, 2.0])
    assert check_class_balance(ctx({"a": [1, 2]}, y, task="regression")) is None
    assert check_class_balance(ctx({"a": [1, 2]}, None)) is None
    assert check_class_balance(ctx({"a": [1, 2]}, pd.Series(["x", "x"]))) is None


def test_balance_table_is_capped():
    y = pd.Series(np.repeat(np.arange(30), 10))
    details = check_class_balance(ctx({"a": range(300)}, y)).details
    assert len(details) == 21 and details[-1]["Class"] == "(10 more classes)"


def test_balance_ignores_missing_labels_and_accepts_arrays():
    y = np.array(["a"] * 50 + ["b"] * 5 + [None] * 40, dtype=object)
    result = check_class_balance(ctx({"a": range(95)}, y))
    assert result.status == ALERTED and sum(d["Rows"] for d in result.details) == 55


# --- memory -----------------------------------------------------------------------------------

def test_memory_states():
    X = {"a": [1.0]}
    assert check_memory(ctx(X)) is None
    ok = check_memory(ctx(X, featurized_bytes_estimate=10, available_memory_bytes=100))
    assert ok.status == PASSED
    bad = check_memory(ctx(X, featurized_bytes_estimate=200, available_memory_bytes=100))
    assert bad.status == ALERTED
    done = check_memory(ctx(X, featurized_bytes_estimate=200, available_memory_bytes=100,
                            memory_mitigation="sparse output"))
    assert done.status == DONE and "sparse output" in done.description
    assert done.details == [{"Estimated featurized size": "200 B", "Available memory": "100 B",
                             "Memory limit": "none", "Mitigation": "sparse output"}]


def test_memory_alerts_above_the_jobs_limit_though_the_machine_has_room():
    X = {"a": [1.0]}
    over = check_memory(ctx(X, featurized_bytes_estimate=200, available_memory_bytes=10_000, memory_limit_bytes=100))
    assert over.status == ALERTED and "memory limit" in over.description and "memory_limit" in over.description
    assert over.details[0]["Memory limit"] == "100 B"
    within = check_memory(ctx(X, featurized_bytes_estimate=50, available_memory_bytes=10_000, memory_limit_bytes=100))
    assert within.status == PASSED and "memory limit (100 B)" in within.description


def test_skipped_trials_turn_the_memory_guardrail_alerted():
    passed = check_memory(ctx({"a": [1.0]}, featurized_bytes_estimate=10, available_memory_bytes=100))
    other = GuardrailResult("Class balancing detection", PASSED, "balanced")
    rows = [{"Trial": "job_4", "Algorithm": "MaxAbsScaler RandomForest", "Estimated memory": "3.00 GiB"}]
    out = with_skipped_trials([other, passed], 2**30, rows)
    assert [r.name for r in out] == ["Class balancing detection", "Memory issues detection"]
    assert out[1].status == ALERTED and out[1].details == rows and "1.0 GiB" in out[1].description
    assert with_skipped_trials([other, passed], 2**30, []) == [other, passed]


def test_memory_uses_the_machine_when_available_is_unknown():
    result = check_memory(ctx({"a": [1.0]}, featurized_bytes_estimate=1024))
    assert result.status == PASSED


@pytest.mark.parametrize("n, text", [(512, "512 B"), (1536, "1.5 KiB"), (3 * 2**30, "3.0 GiB"),
                                     (None, "unknown")])
def test_format_bytes(n, text):
    assert format_bytes(n) == text


# --- context ----------------------------------------------------------------------------------

def test_context_validates_its_inputs():
    with pytest.raises(TypeError, match="DataFrame"):
        GuardrailContext([[1]], None, "classification")
    with pytest.raises(ValueError, match="forecasting"):
        GuardrailContext(pd.DataFrame(), None, "clustering")
