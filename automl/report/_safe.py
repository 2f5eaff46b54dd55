"""Safe values for the page: JSON inside ``<script>``, plain data, numbers as text."""
from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
from markupsafe import Markup, escape

from automl.core import plain

__all__ = ["fmt_duration", "fmt_number", "json_script", "plain"]

#: Characters that could end a ``<script>`` element or break a JS string, as JSON escapes.
_SCRIPT_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026",
                   0x2028: "\\u2028", 0x2029: "\\u2029"}


def json_script(value: Any, element_id: str) -> Markup:
    """``<script type="application/json">`` holding ``value``; nothing in it can close the element.

    Examples
    --------
    >>> str(json_script({"a": "</script><b>"}, "data"))
    '<script type="application/json" id="data">{"a": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e"}</script>'
    """
    text = json.dumps(plain(value), ensure_ascii=False, allow_nan=False).translate(_SCRIPT_ESCAPES)
    return Markup(f'<script type="application/json" id="{escape(element_id)}">{text}</script>')


def fmt_number(value: Any, digits: int = 4) -> str:
    """A metric or count as text: ``"0.8731"``, ``"12,400"``; ``"\u2014"`` when missing.

    Examples
    --------
    >>> fmt_number(0.873149), fmt_number(12400), fmt_number(19.870), fmt_number(float("nan"))
    ('0.8731', '12,400', '19.87', '—')
    """
    if value is None or isinstance(value, bool):
        return "\u2014" if value is None else str(value)
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if not math.isfinite(number):
        return "\u2014"
    if number != 0 and (abs(number) < 10 ** -digits or abs(number) >= 10 ** 7):
        return f"{number:.{digits - 2}g}" if abs(number) < 1 else f"{number:.{digits}g}"
    if abs(number) < 1:
        return f"{number:.{digits}f}"
    text = f"{number:,.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def fmt_duration(seconds: Any) -> str:
    """``"3 min 12 s"``, ``"1 h 4 min"``, ``"8.4 s"``.

    Examples
    --------
    >>> fmt_duration(8.44), fmt_duration(192), fmt_duration(3840)
    ('8.4 s', '3 min 12 s', '1 h 4 min')
    """
    try:
        seconds = float(seconds)
    except (TypeError, ValueError):
        return "\u2014"
    if not math.isfinite(seconds):
        return "\u2014"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(int(round(seconds)), 60)
    if minutes < 60:
        return f"{minutes} min {secs} s"
    return f"{minutes // 60} h {minutes % 60} min"
