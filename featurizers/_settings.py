"""Validation of the featurization settings (reference 1.5): mode, blocked transformers, params.

``transformer_params`` has the Azure shape ``{key: [{"fields": [...], "parameters": {...}}]}``
(entries may also be objects with ``.fields`` / ``.parameters``); it is parsed into
``{key: {column: parameters}}`` with the keys ``imputer``, ``tf_idf``, ``hash_one_hot_encoder``.
"""
from __future__ import annotations

import numbers
from typing import Any, Callable, Iterable, Mapping

import pandas as pd

from . import _constants as C
from ._errors import FeaturizationConfigError, did_you_mean
from ._hashing import MAX_NUMBER_OF_BITS
from ._text import TFIDF_PARAMETERS

__all__ = ["MODES", "IMPUTER_STRATEGIES", "TRANSFORMER_PARAM_KEYS", "canonical_purpose", "check_settings",
           "parse_mode", "parse_blocked_transformers", "parse_transformer_params"]

MODES: tuple[str, ...] = ("auto", "custom", "off")
IMPUTER_STRATEGIES: tuple[str, ...] = ("mean", "median", "most_frequent", "constant")


def _is_number(v: Any) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, bool)


def _is_bits(v: Any) -> bool:
    return isinstance(v, numbers.Integral) and not isinstance(v, bool) \
        and 1 <= v <= MAX_NUMBER_OF_BITS


_IMPUTER_PARAMETERS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "strategy": (lambda v: v in IMPUTER_STRATEGIES, " or ".join(map(repr, IMPUTER_STRATEGIES))),
    "fill_value": (_is_number, "a number (with strategy 'constant')"),
}
_HASH_PARAMETERS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "number_of_bits": (_is_bits, f"an int in [1, {MAX_NUMBER_OF_BITS}]"),
}

#: transformer_params key -> (purpose its fields must have, allowed parameters).
TRANSFORMER_PARAM_KEYS: dict[str, tuple[str, Mapping[str, tuple[Callable[[Any], bool], str]]]] = {
    "imputer": ("Numeric", _IMPUTER_PARAMETERS),
    "tf_idf": ("Text", TFIDF_PARAMETERS),
    "hash_one_hot_encoder": ("CategoricalHash", _HASH_PARAMETERS),
}
_KEY_BY_NORMAL = {C.normalize_name(k): k for k in TRANSFORMER_PARAM_KEYS}


def parse_mode(mode: str | None, *, is_timeseries: bool) -> str:
    """Return the lower-case mode; ``None`` means ``auto``."""
    value = "auto" if mode is None else str(mode).lower()
    if value not in MODES:
        raise FeaturizationConfigError(
            f"featurization mode {mode!r} is not known; use one of {', '.join(MODES)}.")
    if value == "off" and is_timeseries:
        raise FeaturizationConfigError(
            "featurization mode 'off' is not supported for forecasting; use mode='auto' or 'custom'.")
    return value


def parse_blocked_transformers(names: Iterable[str] | None) -> frozenset[str]:
    """Canonical Azure names of the blocked transformers (camel or snake case, any case)."""
    if names is None:
        return frozenset()
    if isinstance(names, str):
        names = [names]
    return frozenset(_canonical(name, C.BLOCKED_TRANSFORMERS, f"blocked_transformers: {name!r} is not a known "
                                f"transformer.", f"Use names from: {', '.join(C.BLOCKED_TRANSFORMERS)}.")
                     for name in names)


def _canonical(value: Any, options: tuple[str, ...], problem: str, advice: str) -> str:
    """The option ``value`` spells (any case, with or without separators); else the error
    ``problem``, the closest options and ``advice``."""
    canonical = {C.normalize_name(o): o for o in options}
    key = C.normalize_name(value)
    if key not in canonical:
        raise FeaturizationConfigError(f"{problem}{did_you_mean(value, options)} {advice}")
    return canonical[key]


def _entry_parts(key: str, entry: Any) -> tuple[list, dict]:
    if isinstance(entry, Mapping):
        unknown = set(entry) - {"fields", "parameters"}
        if unknown:
            raise FeaturizationConfigError(
                f"transformer_params[{key!r}] entry has unknown keys {sorted(unknown)}; "
                "each entry is {'fields': [columns], 'parameters': {...}}.")
        fields, parameters = entry.get("fields"), entry.get("parameters")
    elif hasattr(entry, "fields") and hasattr(entry, "parameters"):
        fields, parameters = entry.fields, entry.parameters
    else:
        raise FeaturizationConfigError(
            f"transformer_params[{key!r}] entries must be {{'fields': [...], 'parameters': {{...}}}} "
            f"or objects with .fields and .parameters, got {type(entry).__name__}.")
    if isinstance(fields, str):
        fields = [fields]
    if not fields:
        raise FeaturizationConfigError(
            f"transformer_params[{key!r}] entry has no 'fields'; list the columns it applies to.")
    return list(fields), dict(parameters or {})


def _check_parameters(key: str, parameters: dict, allowed: Mapping) -> None:
    for name, value in parameters.items():
        if name not in allowed:
            raise FeaturizationConfigError(
                f"transformer_params[{key!r}]: unknown parameter {name!r}."
                f"{did_you_mean(name, allowed)} Allowed: {', '.join(allowed)}.")
        check, expected = allowed[name]
        if not check(value):
            raise FeaturizationConfigError(
                f"transformer_params[{key!r}]: parameter {name!r} = {value!r} is invalid; "
                f"expected {expected}.")
    if key == "imputer" and "fill_value" in parameters and parameters.get("strategy") != "constant":
        raise FeaturizationConfigError(
            "transformer_params['imputer']: 'fill_value' needs strategy 'constant'; "
            "add 'strategy': 'constant' or remove 'fill_value'.")


def _check_field(key: str, column: Any, seen: dict, X: pd.DataFrame, purposes: Mapping[str, str]):
    if column not in X.columns:
        raise FeaturizationConfigError(
            f"transformer_params[{key!r}] names column {column!r}, which is not in the data."
            f"{did_you_mean(column, X.columns)}")
    if column in seen:
        raise FeaturizationConfigError(
            f"transformer_params[{key!r}] lists column {column!r} twice; give each column once.")
    wanted = TRANSFORMER_PARAM_KEYS[key][0]
    if purposes.get(column) != wanted:
        raise FeaturizationConfigError(
            f"transformer_params[{key!r}] applies to {wanted} columns, but {column!r} is "
            f"{purposes.get(column)}; set column_name_and_types={{{column!r}: {wanted!r}}} "
            "or remove the column from the fields.")


def _static_entries(params: Mapping[str, Any] | None) -> dict[str, list[tuple[list, dict]]]:
    """``transformer_params`` with canonical keys and checked entries: what needs no data."""
    parsed: dict[str, list[tuple[list, dict]]] = {}
    for raw_key, entries in (params or {}).items():
        key = _KEY_BY_NORMAL.get(C.normalize_name(raw_key))
        if key is None:
            raise FeaturizationConfigError(
                f"transformer_params: unknown key {raw_key!r}.{did_you_mean(raw_key, TRANSFORMER_PARAM_KEYS)} "
                f"Use {', '.join(TRANSFORMER_PARAM_KEYS)}.")
        if key in parsed:
            raise FeaturizationConfigError(
                f"transformer_params: key {raw_key!r} is given twice (as {key!r}); merge the entries.")
        parsed[key] = []
        for entry in entries if isinstance(entries, (list, tuple)) else [entries]:
            fields, parameters = _entry_parts(key, entry)
            _check_parameters(key, parameters, TRANSFORMER_PARAM_KEYS[key][1])
            parsed[key].append((fields, parameters))
    return parsed


def parse_transformer_params(params: Mapping[str, Any] | None, X: pd.DataFrame,
                             purposes: Mapping[str, str]) -> dict[str, dict[str, dict]]:
    """Validate ``transformer_params`` against the data and the purposes.

    Returns
    -------
    dict
        ``{key: {column: parameters}}`` with canonical snake-case keys.
    """
    parsed: dict[str, dict[str, dict]] = {}
    for key, entries in _static_entries(params).items():
        per_column: dict[str, dict] = {}
        for fields, parameters in entries:
            for column in fields:
                _check_field(key, column, per_column, X, purposes)
                per_column[column] = parameters
        parsed[key] = per_column
    return parsed


def canonical_purpose(column: Any, purpose: Any) -> str:
    """The purpose ``column_name_and_types`` gives ``column``, in its canonical spelling."""
    return _canonical(purpose, C.OVERRIDABLE_PURPOSES,
                      f"column_name_and_types[{column!r}] = {purpose!r} is not a known purpose.",
                      f"Use one of {', '.join(C.OVERRIDABLE_PURPOSES)}.")


def check_settings(*, mode: str | None = None, blocked_transformers: Iterable[str] | None = None,
                   column_name_and_types: Mapping[str, str] | None = None,
                   transformer_params: Mapping[str, Any] | None = None, is_timeseries: bool = False) -> None:
    """Check what the featurization settings say without looking at data.

    The mode, the names of blocked transformers, the purposes of ``column_name_and_types``
    and the keys, entries and parameters of ``transformer_params``; whether the columns
    they name exist is checked once the data is read (:func:`plan_featurization`).

    Raises
    ------
    FeaturizationConfigError
        Naming the setting and the valid values.

    Examples
    --------
    >>> check_settings(blocked_transformers=["one_hot_encoder"], column_name_and_types={"zip": "categorical"})
    >>> check_settings(column_name_and_types={"zip": "Postcode"})
    Traceback (most recent call last):
    ...
    featurizers._errors.FeaturizationConfigError: column_name_and_types['zip'] = 'Postcode' is not a known \
purpose. Use one of Numeric, Categorical, DateTime, CategoricalHash, Text, Hashes, Ignore.
    """
    parse_mode(mode, is_timeseries=is_timeseries)
    parse_blocked_transformers(blocked_transformers)
    if column_name_and_types is not None and not isinstance(column_name_and_types, Mapping):
        raise FeaturizationConfigError("column_name_and_types must map column names to purposes, "
                                       f"got {column_name_and_types!r}.")
    for column, purpose in (column_name_and_types or {}).items():
        canonical_purpose(column, purpose)
    if transformer_params is not None and not isinstance(transformer_params, Mapping):
        raise FeaturizationConfigError("transformer_params must map imputer / tf_idf / hash_one_hot_encoder to "
                                       f"entries, got {transformer_params!r}.")
    _static_entries(transformer_params)
