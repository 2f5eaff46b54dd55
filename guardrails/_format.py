"""Azure's console rendering of guardrail results (v1 ``show_output``)."""
from __future__ import annotations

import textwrap
from typing import Any, Iterable

from ._result import GuardrailResult

__all__ = ["format_results", "format_table"]

_LABEL_WIDTH = 14
_TEXT_WIDTH = 92
_SEPARATOR = "*" * (_LABEL_WIDTH + _TEXT_WIDTH)


def format_table(rows: list[dict[str, Any]]) -> str:
    """A small aligned table with ``+---+`` borders and a ``+===+`` rule under the header."""
    headers = list(dict.fromkeys(key for row in rows for key in row))
    cells = [[str(row.get(h, "")) for h in headers] for row in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]

    def line(char: str) -> str:
        return "+" + "+".join(char * (w + 2) for w in widths) + "+"

    def row_text(values: list[str]) -> str:
        return "|" + "|".join(f" {v:<{w}} " for v, w in zip(values, widths)) + "|"

    out = [line("-"), row_text(headers), line("=")]
    out += [row_text(c) for c in cells]
    out.append(line("-"))
    return "\n".join(out)


def _field(label: str, text: str) -> list[str]:
    wrapped = textwrap.wrap(text, _TEXT_WIDTH) or [""]
    first = f"{label:<{_LABEL_WIDTH}}{wrapped[0]}"
    return [first] + [" " * _LABEL_WIDTH + more for more in wrapped[1:]]


def _block(result: GuardrailResult) -> str:
    lines = _field("TYPE:", result.name) + _field("STATUS:", result.status.upper())
    lines += _field("DESCRIPTION:", result.description)
    if result.details:
        lines += ["DETAILS:", format_table(result.details)]
    return "\n".join(lines)


def format_results(results: Iterable[GuardrailResult]) -> str:
    """Render results as Azure's console blocks: ``TYPE:``, ``STATUS:`` (upper case),
    ``DESCRIPTION:`` and, when there is one, ``DETAILS:`` with a small table.

    Examples
    --------
    >>> from guardrails import GuardrailResult
    >>> print(format_results([GuardrailResult("Class balancing detection", "Passed", "Balanced.")]))
    ... # doctest: +ELLIPSIS
    DATA GUARDRAILS:
    <BLANKLINE>
    TYPE:         Class balancing detection
    STATUS:       PASSED
    DESCRIPTION:  Balanced.
    <BLANKLINE>
    ****************************************************************************************************...
    """
    blocks = [_block(r) for r in results]
    body = f"\n\n{_SEPARATOR}\n\n".join(blocks)
    return f"DATA GUARDRAILS:\n\n{body}\n\n{_SEPARATOR}\n"
