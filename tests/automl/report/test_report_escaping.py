"""A column named ``<script>alert(1)</script>`` and a category ``<img onerror=...>`` show as
text and run nothing: in the HTML, in the inline JSON, in the charts, and in the browser."""
from __future__ import annotations

import json
import re

from automl.report._safe import json_script
from automl.report.browser import render_page


def test_script_column_is_escaped_everywhere(classification_html, script_column, img_value):
    html = classification_html
    assert script_column not in html and img_value not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # as text: tables, chart labels
    # Exactly two script elements: the trial data (JSON, not run) and the report's own script.
    assert len(re.findall(r"<script\b", html)) == 2
    assert len(re.findall(r"<img\b", html)) == 0


def test_inline_json_cannot_close_its_script():
    value = {"name": "</script><script>alert(1)</script>", "line": "\u2028", "amp": "&"}
    markup = str(json_script(value, "data"))
    body = markup[markup.index(">") + 1: markup.rindex("</script>")]
    assert "<" not in body and ">" not in body and "&" not in body and "\u2028" not in body
    assert json.loads(body) == value


def test_script_column_runs_nothing_in_chromium(classification_result, tmp_path, chromium, probe,
                                                script_column):
    binary = chromium
    path = classification_result.save_report(tmp_path / "escaping.html")
    page = render_page(path, probe, binary=binary)
    assert page.dialogs == [], "alert() ran"
    assert page.errors == []
    assert script_column in page.probe["text"]  # shown to the reader, as typed
    assert page.probe["scripts"] == 2 and page.probe["images"] == 0
