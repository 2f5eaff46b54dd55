"""Render the report: sections into one self-contained HTML page (styles and script inline)."""
from __future__ import annotations

import base64
import hashlib
import logging
from datetime import datetime, timezone
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from automl._version import __version__
from automl.errors import ConfigError
from automl.report._safe import fmt_duration, fmt_number, json_script
from automl.report._sections import SECTIONS

if TYPE_CHECKING:
    from automl.engine import AutoMLResult

__all__ = ["build_early_sections", "build_report", "save_report"]

logger = logging.getLogger("automl")
_PACKAGE = "automl.report"


@lru_cache(maxsize=1)
def _environment() -> Any:
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader(_PACKAGE, "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters.update(number=fmt_number, duration=fmt_duration)
    env.globals["json_script"] = json_script
    return env


@lru_cache(maxsize=1)
def _static() -> tuple[str, str]:
    folder = resources.files(_PACKAGE) / "static"
    return (folder / "report.css").read_text(encoding="utf-8"), (folder / "report.js").read_text(encoding="utf-8")


def _csp(script: str) -> str:
    """Content-Security-Policy: nothing loads from anywhere, only our own script runs."""
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return (f"default-src 'none'; script-src 'sha256-{digest}'; style-src 'unsafe-inline'; "
            "img-src data:; base-uri 'none'; form-action 'none'")


EarlySections = dict[str, "dict[str, Any] | None"]


def build_early_sections(result: AutoMLResult) -> EarlySections:
    """The contexts of the ``early`` sections of ``result`` (their charts drawn), by section id: what a
    tracker draws while the explanations run, for :func:`build_report`'s ``early``."""
    return {section.id: section.build(result) for section in SECTIONS if section.early}


def _sections(result: AutoMLResult, early: EarlySections | None = None) -> list[dict[str, Any]]:
    built = []
    early = early or {}
    for section in SECTIONS:
        context = early[section.id] if section.early and section.id in early else section.build(result)
        if context is not None:
            built.append({"id": section.id, "title": section.title, "template": section.template,
                          "context": context})
    return built


def build_report(result: AutoMLResult, *, title: str | None = None, early: EarlySections | None = None) -> str:
    """The report of ``result`` as one HTML page.

    Parameters
    ----------
    result : AutoMLResult
        A finished job's result (classification, regression or forecasting).
    title : str, optional
        Page title; default ``"<job name> · automl-studio"``.
    early : dict, optional
        Sections built already from this result (:func:`build_early_sections`); the others are built now.

    Returns
    -------
    str
        Self-contained HTML: no request leaves the page (its Content-Security-Policy
        forbids any), every string from the data is escaped.
    """
    css, script = _static()
    sections = _sections(result, early)
    page = _environment().get_template("report.html.j2")
    return page.render(
        result=result, sections=sections, css=css, script=script, csp=_csp(script),
        title=title or f"{result.name} \u00b7 automl-studio", version=__version__,
        generated=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))


def save_report(result: AutoMLResult, path: str | Path, *, title: str | None = None,
                early: EarlySections | None = None) -> Path:
    """Write :func:`build_report` of ``result`` to ``path`` (UTF-8); return the path.

    Raises
    ------
    ConfigError
        When ``path`` is an existing folder.
    """
    path = Path(path)
    if path.is_dir():
        raise ConfigError(f"save_report: {str(path)!r} is a folder; give a file name such as "
                          f"{str(path / 'report.html')!r}.")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(build_report(result, title=title, early=early), encoding="utf-8")
    logger.info("report of job %s written to %s", result.name, path)
    return path
