"""Request bodies, in the formats Azure's and MLflow's scoring servers take, as a DataFrame.

Accepted bodies (JSON objects):

- Azure ML (MLflow models): ``{"input_data": {"columns": [...], "index": [...], "data": [[...]]}}``;
- MLflow: ``{"dataframe_split": {"columns": [...], "data": [[...]]}}`` and
  ``{"dataframe_records": [{"column": value, ...}, ...]}``;
- Azure AutoML's scoring file: ``{"Inputs": {"data": [{"column": value, ...}, ...]}}``.

What to answer is asked in ``"params"`` (MLflow) or ``"GlobalParameters"`` (Azure AutoML):
``{"method": "predict_proba"}`` for class probabilities, ``{"quantiles": [0.1, 0.9]}`` for
forecast quantiles.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

__all__ = ["PREDICT", "PREDICT_PROBA", "RequestError", "ScoringRequest", "parse_request"]

PREDICT, PREDICT_PROBA = "predict", "predict_proba"
_FORMATS = ("input_data", "dataframe_split", "dataframe_records", "Inputs")


class RequestError(Exception):
    """A request the server answers with ``status`` and ``message`` (never a traceback)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


@dataclass
class ScoringRequest:
    """A parsed body: its rows, what to answer, and whether to answer in Azure AutoML's envelope.

    The rows are kept as the body gave them (``columns`` and ``data`` for the split formats,
    ``records`` for the others); :attr:`rows` is the DataFrame, made on first use, so that a
    small request scored straight from its lists never builds one.
    """

    columns: list[str] | None = None
    data: list[list] | None = None
    index: list | None = None
    records: list[dict] | None = None
    method: str = PREDICT
    quantiles: list[float] = field(default_factory=list)
    envelope: bool = False

    @cached_property
    def rows(self) -> pd.DataFrame:
        """The rows as a DataFrame."""
        if self.records is not None:
            return pd.DataFrame.from_records(self.records)
        return pd.DataFrame(self.data, columns=self.columns, index=self.index)

    @property
    def row_count(self) -> int:
        """How many rows the body holds."""
        return len(self.records if self.records is not None else self.data or ())


def _split(payload: object, key: str) -> dict:
    if not isinstance(payload, dict) or not isinstance(payload.get("data"), list):
        raise RequestError(400, f'"{key}" must be an object with "columns" and "data" (a list of rows).')
    columns, data = payload.get("columns"), payload["data"]
    if columns is not None and (not isinstance(columns, list) or not all(isinstance(c, str) for c in columns)):
        raise RequestError(400, f'"{key}.columns" must be a list of column names.')
    for number, row in enumerate(data):
        if not isinstance(row, list) or (columns is not None and len(row) != len(columns)):
            raise RequestError(400, f'"{key}.data" row {number} must be a list of '
                                    f'{len(columns) if columns is not None else "the"} values, one per column.')
    index = payload.get("index")
    if index is not None and (not isinstance(index, list) or len(index) != len(data)):
        raise RequestError(400, f'"{key}.index" must list one label per row of "data".')
    return {"columns": columns, "data": data, "index": index}


def _records(payload: object, key: str) -> dict:
    if not isinstance(payload, list) or not all(isinstance(r, dict) for r in payload):
        raise RequestError(400, f'"{key}" must be a list of objects, one per row ({{"column": value}}).')
    return {"records": payload}


def _options(body: dict) -> tuple[str, list[float]]:
    params = body.get("params", body.get("GlobalParameters")) or {}
    if not isinstance(params, dict):
        raise RequestError(400, '"params" (or "GlobalParameters") must be an object.')
    method = params.get("method", PREDICT)
    if method not in (PREDICT, PREDICT_PROBA):
        raise RequestError(400, f'"method" must be "{PREDICT}" or "{PREDICT_PROBA}", got {method!r}.')
    quantiles = params.get("quantiles", [])
    if not isinstance(quantiles, list) or not all(
            isinstance(q, (int, float)) and not isinstance(q, bool) and 0 < q < 1 for q in quantiles):
        raise RequestError(400, '"quantiles" must be a list of numbers strictly between 0 and 1.')
    return method, [float(q) for q in quantiles]


def parse_request(body: bytes) -> ScoringRequest:
    """The rows and options of a request body (see the module docstring).

    Raises
    ------
    RequestError
        400 for a body that is not JSON or not in one of the accepted formats.
    """
    try:
        parsed = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise RequestError(400, f"the body is not valid JSON: {exc}") from None
    if not isinstance(parsed, dict) or not any(key in parsed for key in _FORMATS):
        raise RequestError(400, "the body must be a JSON object with one of " + ", ".join(
            f'"{key}"' for key in _FORMATS) + ' (for example {"input_data": {"columns": [...], "data": [[...]]}}).')
    method, quantiles = _options(parsed)
    if "input_data" in parsed:
        rows = _split(parsed["input_data"], "input_data")
    elif "dataframe_split" in parsed:
        rows = _split(parsed["dataframe_split"], "dataframe_split")
    elif "dataframe_records" in parsed:
        rows = _records(parsed["dataframe_records"], "dataframe_records")
    else:
        inputs = parsed["Inputs"]
        rows = _records(inputs.get("data") if isinstance(inputs, dict) else None, "Inputs.data")
    return ScoringRequest(**rows, method=method, quantiles=quantiles, envelope="Inputs" in parsed)
