"""Matplotlib figures as inline SVG: text kept as text, one look for every chart.

Matplotlib escapes every string it writes into SVG (``&``, ``<``, ``>`` and quotes),
and math-text parsing is off, so a column named ``$x$`` or ``<script>`` is drawn as
typed.
"""
from __future__ import annotations

import contextlib
import io
import re
from dataclasses import dataclass
from typing import Any, Iterator

from markupsafe import Markup, escape

__all__ = ["Chart", "PALETTE", "figure", "to_chart", "warm_charts"]

#: Series colours (studio blue first), status colours of trials.
PALETTE = ("#0f6cbd", "#e3008c", "#107c10", "#ca5010", "#5c2e91", "#038387", "#986f0b", "#4f6bed")
STATUS_COLOURS = {"Completed": "#0f6cbd", "Failed": "#c50f1f", "Canceled": "#8a8886"}

_STYLE = {
    "svg.fonttype": "none",
    "svg.hashsalt": "automl-report",
    "text.parse_math": False,
    "text.usetex": False,
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": 9.5,
    "axes.titlesize": 10.5,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.labelsize": 9.5,
    "axes.labelcolor": "#323130",
    "axes.edgecolor": "#c8c6c4",
    "axes.linewidth": 0.8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.color": "#edebe9",
    "grid.linewidth": 0.7,
    "axes.prop_cycle": None,  # set below from PALETTE
    "xtick.color": "#605e5c",
    "ytick.color": "#605e5c",
    "legend.frameon": False,
    "legend.fontsize": 8.5,
    "figure.dpi": 72,
}

_ROOT = re.compile(r"<svg\b[^>]*>", re.S)
_FONT = re.compile(r"\s*font-family:[^;\"]*;?")
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.S)


@dataclass(frozen=True)
class Chart:
    """One rendered chart: ``title`` (plain text), ``svg`` (safe markup), ``caption``."""

    key: str
    title: str
    svg: Markup
    caption: str = ""


def _style() -> dict[str, Any]:
    from cycler import cycler

    return {**_STYLE, "axes.prop_cycle": cycler(color=list(PALETTE))}


@contextlib.contextmanager
def figure(width: float = 5.2, height: float = 3.6, **subplots: Any) -> Iterator[tuple[Any, Any]]:
    """A matplotlib ``(figure, axes)`` in the report's style (sizes in inches).

    A bare :class:`matplotlib.figure.Figure`, not pyplot: no global state, no backend
    switch in the user's session, safe on the tracking thread.
    """
    import matplotlib
    from matplotlib.figure import Figure

    with matplotlib.rc_context(_style()):
        fig = Figure(figsize=(width, height), layout="constrained")
        yield fig, fig.subplots(**subplots)


def warm_charts() -> None:
    """Import matplotlib and draw one small chart, so the report's first chart does not pay for it.

    The import and the font cache take about half a second; a tracker runs this on its logging
    thread while the trials train, instead of at the end of the job, where the report's charts are
    drawn.
    """
    with figure(1.0, 1.0) as (fig, axes):
        axes.plot([0.0, 1.0], [0.0, 1.0])
        _svg_text(fig)


def _svg_text(fig: Any) -> str:
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context(_style()):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg"):]


def to_chart(fig: Any, key: str, title: str, caption: str = "") -> Chart:
    """Render ``fig`` as a responsive inline SVG ``Chart`` (sized by CSS, fonts from the page)."""
    svg = _svg_text(fig)
    root = _ROOT.search(svg).group(0)
    view_box = re.search(r'viewBox="([^"]+)"', root).group(1)
    width = float(view_box.split()[2])
    new_root = (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
                f'viewBox="{view_box}" class="chart-svg" style="max-width:{width * 1.25:.0f}px" '
                f'role="img" aria-label="{escape(title)}">')
    svg = svg.replace(root, new_root, 1)
    svg = _METADATA.sub("", _FONT.sub("", svg))
    return Chart(key, title, Markup(svg), caption)
