"""Declarative validation of transformation options.

Each transformation declares its options as a table of :class:`Option`; one
function checks a YAML mapping against that table, fills the defaults and
raises a :class:`~automl.errors.DataError` that names the key, its line, what
was wrong and the valid choices.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from automl.core import name_key
from automl.data.mltable._origin import Origin
from automl.errors import did_you_mean

__all__ = ["Option", "check_value", "parse_options"]


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return _is_int(value) or isinstance(value, float)


def _is_str_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


#: kind -> (test, what to call it in an error message)
_KINDS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "bool": (lambda v: isinstance(v, bool), "true or false"),
    "int": (_is_int, "an integer"),
    "number": (_is_number, "a number"),
    "str": (lambda v: isinstance(v, str), "a string"),
    "choice": (lambda v: isinstance(v, str), "a string"),
    "str_list": (_is_str_list, "a list of strings"),
}


@dataclass(frozen=True)
class Option:
    """One option of a transformation.

    Parameters
    ----------
    kind : {"bool", "int", "number", "str", "choice", "str_list"}
        The expected type. ``str_list`` also accepts a single string.
    default : object
        The value used when the option is absent.
    choices : tuple of str
        The valid values of a ``choice`` (matched ignoring case, ``-`` and ``_``).
    minimum, maximum : float, optional
        Bounds of a number.
    required : bool
        Whether the option must be given.
    """

    kind: str
    default: Any = None
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    required: bool = False


def _check_choice(value: str, option: Option, origin: Origin) -> str:
    wanted = name_key(value)
    for choice in option.choices:
        if name_key(choice) == wanted:
            return choice
    raise origin.error(
        f"unknown value {value!r}.{did_you_mean(value, option.choices)}",
        f"Valid values: {', '.join(option.choices)}.",
    )


def _check_bounds(value: float, option: Option, origin: Origin) -> None:
    low, high = option.minimum, option.maximum
    if (low is not None and value < low) or (high is not None and value > high):
        span = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise origin.error(f"{value!r} is out of range.", f"Use a value {span}.")


def check_value(value: Any, option: Option, origin: Origin) -> Any:
    """Validate one value against ``option`` and return it normalised."""
    if option.kind == "str_list" and isinstance(value, str):
        value = [value]
    test, expected = _KINDS[option.kind]
    if not test(value):
        raise origin.error(f"expected {expected}, got {value!r}.")
    if option.kind == "choice":
        return _check_choice(value, option, origin)
    if option.kind in ("int", "number"):
        _check_bounds(value, option, origin)
    return value


def parse_options(
    value: Any, schema: Mapping[str, Option], origin: Origin
) -> dict[str, Any]:
    """Check a mapping of options against ``schema`` and fill in the defaults.

    ``None`` (a key written with no value, ``read_parquet:``) means all defaults.

    Raises
    ------
    DataError
        For a value that is not a mapping, an unknown option (listing the valid
        ones), a missing required option or an invalid value.
    """
    if value is None:
        value = {}
    if not isinstance(value, dict):
        raise origin.error(
            f"expected a mapping of options, got {value!r}.",
            f"Valid options: {', '.join(schema) or '(none)'}.",
        )
    for name in value:
        if name not in schema:
            raise origin.child(str(name)).error(
                f"unknown option {name!r}.{did_you_mean(str(name), schema)}",
                f"Valid options: {', '.join(schema) or '(none)'}.",
            )
    result = {}
    for name, option in schema.items():
        if name in value and not (value[name] is None and not option.required):
            result[name] = check_value(value[name], option, origin.child(name))
        elif option.required:
            raise origin.error(f"missing required option {name!r}.")
        else:
            result[name] = option.default
    return result
