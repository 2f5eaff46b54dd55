"""GuardrailResult and the console format of format_results."""
from __future__ import annotations

import json

import pytest

from guardrails import ALERTED, DONE, PASSED, STATUSES, GuardrailResult, format_results, format_table


def test_statuses_are_azure_names():
    assert (PASSED, DONE, ALERTED) == ("Passed", "Done", "Alerted") == STATUSES


def test_result_to_dict_is_json_ready():
    result = GuardrailResult("Missing feature values imputation", DONE, "Imputed.",
                             [{"Column": "a", "Missing values": 3}])
    assert result.to_dict() == {"name": "Missing feature values imputation", "status": "Done",
                                "description": "Imputed.",
                                "details": [{"Column": "a", "Missing values": 3}]}
    json.dumps(result.to_dict())


def test_unknown_status_is_refused():
    with pytest.raises(ValueError, match="Passed"):
        GuardrailResult("x", "OK", "y")


def test_format_blocks_with_upper_case_status_and_aligned_details():
    results = [
        GuardrailResult("Class balancing detection", ALERTED, "Imbalanced. " * 20,
                        [{"Class": "no", "Rows": 7309}, {"Class": "yes", "Rows": 928}]),
        GuardrailResult("Missing feature values imputation", PASSED, "None found."),
    ]
    text = format_results(results)
    lines = text.splitlines()
    assert lines[0] == "DATA GUARDRAILS:"
    assert "TYPE:         Class balancing detection" in lines
    assert "STATUS:       ALERTED" in lines and "STATUS:       PASSED" in lines
    assert any(line.startswith("DESCRIPTION:  Imbalanced.") for line in lines)
    assert all(len(line) <= 106 for line in lines)
    table = text[text.index("DETAILS:"):].splitlines()[1:6]
    assert table == ["+-------+------+", "| Class | Rows |", "+=======+======+",
                     "| no    | 7309 |", "| yes   | 928  |"]
    assert text.count("DETAILS:") == 1 and lines.count("*" * 106) == 2


def test_format_table_with_uneven_rows():
    table = format_table([{"a": 1}, {"a": 22, "b": "x"}]).splitlines()
    assert table[1] == "| a  | b |" and table[4] == "| 22 | x |"
