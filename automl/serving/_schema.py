"""The columns a served model takes, how a request's rows are checked against them, and the
OpenAPI document (``/swagger.json``) that describes them."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from automl.serving._requests import RequestError

__all__ = ["ANY", "DATETIME", "NUMBER", "STRING", "InputSchema"]

NUMBER, STRING, DATETIME, ANY = "number", "string", "datetime", "any"
#: MLflow signature types -> the kind a request's values are checked as.
MLFLOW_KINDS = {"double": NUMBER, "float": NUMBER, "long": NUMBER, "integer": NUMBER,
                "string": STRING, "datetime": DATETIME, "boolean": ANY, "binary": ANY}
_OPENAPI_TYPES = {NUMBER: {"type": "number"}, STRING: {"type": "string"},
                  DATETIME: {"type": "string", "format": "date-time"}, ANY: {}}


def _readable(value: object, kind: str) -> bool:
    """Whether a value that is not a number reads as one (``"7.25"``) or as a date."""
    try:
        if kind == NUMBER:
            float(str(value).strip())
        else:
            pd.Timestamp(str(value))
    except (ValueError, TypeError, OverflowError):
        return False
    return True


def _listed(names: list[str]) -> str:
    return ", ".join(repr(str(n)) for n in names[:10]) + (" ..." if len(names) > 10 else "")


@dataclass
class InputSchema:
    """The raw columns a model takes, in order, each with its kind (number, string, datetime, any).

    Attributes
    ----------
    columns : dict of str to str
    source : str
        Where the columns were read from (the ONNX graph, the MLflow signature, the pipeline).
    """

    columns: dict[str, str]
    source: str

    def conform(self, rows: pd.DataFrame) -> pd.DataFrame:
        """``rows`` with exactly the model's columns, in its order; a :class:`RequestError` (400)
        names a missing or extra column and the first value a column cannot be read as."""
        if not self.columns:
            return rows
        names = [str(c) for c in rows.columns]
        missing = [c for c in self.columns if c not in names]
        if missing:
            raise RequestError(400, f"missing column(s) {_listed(missing)}; the model takes "
                                    f"{_listed(list(self.columns))}.")
        extra = [c for c in names if c not in self.columns]
        if extra:
            raise RequestError(400, f"unknown column(s) {_listed(extra)}; the model takes "
                                    f"{_listed(list(self.columns))}.")
        rows = rows.set_axis(names, axis=1)
        values = rows.to_dict(orient="list")  # plain lists: checking a few rows costs microseconds
        for column, kind in self.columns.items():
            self._check_values(column, kind, values[column])
        return rows if names == list(self.columns) else rows[list(self.columns)]

    @staticmethod
    def _check_values(column: str, kind: str, values: list) -> None:
        if kind not in (NUMBER, DATETIME):
            return
        for position, value in enumerate(values):
            if value is None or value != value or isinstance(value, (int, float)):  # bools are ints
                continue
            if not _readable(value, kind):
                raise RequestError(400, f"column {column!r} takes {'numbers' if kind == NUMBER else 'dates'}; "
                                        f"row {position} has {value!r}.")

    def openapi(self, title: str, description: str) -> dict[str, Any]:
        """An OpenAPI 3 document of ``POST /score`` with these columns."""
        row = {"type": "array", "items": {}, "minItems": len(self.columns), "maxItems": len(self.columns)}
        body = {"type": "object", "required": ["input_data"], "properties": {
            "input_data": {"type": "object", "required": ["columns", "data"], "properties": {
                "columns": {"type": "array", "items": {"type": "string", "enum": list(self.columns)}},
                "index": {"type": "array"},
                "data": {"type": "array", "items": row}}},
            "params": {"type": "object", "properties": {
                "method": {"type": "string", "enum": ["predict", "predict_proba"]},
                "quantiles": {"type": "array", "items": {"type": "number"}}}}}}
        fields = {name: _OPENAPI_TYPES[kind] for name, kind in self.columns.items()}
        return {
            "openapi": "3.0.3",
            "info": {"title": title, "version": "1", "description": description},
            "components": {"securitySchemes": {"key": {"type": "http", "scheme": "bearer"}},
                           "schemas": {"Row": {"type": "object", "properties": fields,
                                               "required": list(self.columns)}}},
            "security": [{"key": []}],
            "paths": {"/score": {"post": {
                "summary": "Predictions for the rows of the body",
                "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
                "responses": {"200": {"description": "One prediction per row (a JSON list)"},
                              **{str(code): {"description": text} for code, text in (
                                  (400, "Malformed body, or a missing, extra or unreadable column"),
                                  (401, "Missing or wrong key"), (408, "Past request_timeout_ms"),
                                  (413, "Body over the size limit"),
                                  (429, "More concurrent requests than allowed"), (500, "The model failed"))}}}}},
        }
