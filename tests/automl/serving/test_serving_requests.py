"""Request bodies in Azure's, MLflow's and Azure AutoML's formats; the columns checked against the model."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from automl.serving import EndpointKeys, InputSchema, RequestError, parse_request

COLUMNS = ["age", "city", "joined"]
ROWS = [[31, "oslo", "2020-01-02"], [None, "lima", None]]


def _body(payload: dict) -> bytes:
    return json.dumps(payload).encode()


@pytest.mark.parametrize("payload", [
    {"input_data": {"columns": COLUMNS, "index": [7, 8], "data": ROWS}},
    {"dataframe_split": {"columns": COLUMNS, "data": ROWS}},
    {"dataframe_records": [dict(zip(COLUMNS, row)) for row in ROWS]},
    {"Inputs": {"data": [dict(zip(COLUMNS, row)) for row in ROWS]}},
], ids=["azure", "mlflow-split", "mlflow-records", "automl-inputs"])
def test_every_format_gives_the_same_rows(payload):
    parsed = parse_request(_body(payload))
    expected = pd.DataFrame(ROWS, columns=COLUMNS)
    pd.testing.assert_frame_equal(parsed.rows.reset_index(drop=True), expected)
    assert parsed.envelope == ("Inputs" in payload)
    assert parsed.method == "predict" and parsed.quantiles == []


def test_options_come_from_params_or_global_parameters():
    split = {"columns": COLUMNS, "data": ROWS}
    assert parse_request(_body({"input_data": split, "params": {"method": "predict_proba"}})).method == "predict_proba"
    assert parse_request(_body({"input_data": split, "GlobalParameters": {"quantiles": [0.1, 0.9]}})
                         ).quantiles == [0.1, 0.9]


@pytest.mark.parametrize("body, says", [
    (b"{not json", "not valid JSON"),
    (b"[1, 2]", '"input_data"'),
    (_body({"data": ROWS}), '"input_data"'),
    (_body({"input_data": {"columns": COLUMNS, "data": [[1, "oslo"]]}}), "row 0 must be a list of 3 values"),
    (_body({"input_data": {"columns": COLUMNS, "data": ROWS, "index": [1]}}), '"input_data.index"'),
    (_body({"dataframe_records": [1, 2]}), '"dataframe_records" must be a list of objects'),
    (_body({"input_data": {"columns": COLUMNS, "data": ROWS}, "params": {"method": "explain"}}), '"method"'),
    (_body({"input_data": {"columns": COLUMNS, "data": ROWS}, "params": {"quantiles": [1.5]}}), '"quantiles"'),
])
def test_malformed_bodies_are_400_with_a_reason(body, says):
    with pytest.raises(RequestError) as caught:
        parse_request(body)
    assert caught.value.status == 400 and says in caught.value.message


SCHEMA = InputSchema({"age": "number", "city": "string", "joined": "datetime"}, "test")


def test_conform_orders_the_columns_and_keeps_readable_values():
    rows = pd.DataFrame({"city": ["oslo"], "joined": ["2021-03-04"], "age": ["42"]})
    assert list(SCHEMA.conform(rows).columns) == ["age", "city", "joined"]


@pytest.mark.parametrize("rows, says", [
    (pd.DataFrame({"age": [1], "city": ["a"]}), "missing column(s) 'joined'"),
    (pd.DataFrame({"age": [1], "city": ["a"], "joined": [None], "zip": [1]}), "unknown column(s) 'zip'"),
    (pd.DataFrame({"age": [1, "forty"], "city": ["a", "b"], "joined": [None, None]}),
     "column 'age' takes numbers; row 1 has 'forty'"),
    (pd.DataFrame({"age": [1], "city": ["a"], "joined": ["someday"]}), "column 'joined' takes dates; row 0"),
])
def test_conform_names_the_column_that_is_wrong(rows, says):
    with pytest.raises(RequestError) as caught:
        SCHEMA.conform(rows)
    assert caught.value.status == 400 and says in caught.value.message


def test_keys_accept_either_key_and_nothing_else():
    keys = EndpointKeys()
    assert keys.primary != keys.secondary and len(keys.primary) >= 40
    assert keys.accepts(keys.primary) and keys.accepts(keys.secondary)
    assert not keys.accepts("") and not keys.accepts(keys.primary[:-1]) and not keys.accepts(keys.primary + "x")
    assert keys.primary not in repr(keys) and keys.secondary not in repr(keys)
