"""What the report holds, read from its HTML: sections, charts per task, leaderboard, metrics."""
from __future__ import annotations

import math
import re
from html.parser import HTMLParser

import pytest

from automl.errors import ConfigError
from automl.report import SECTIONS, build_report, save_report
from automl.report._sections import best_model
from automl.core import TrialResult
from automl.report._job_charts import _timed, timeline_chart, worker_lanes
from automl.report._safe import fmt_duration, fmt_number


class _Page(HTMLParser):
    """Section ids, chart keys, leaderboard rows (status and reason) and every script element."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.sections, self.charts, self.rows, self.scripts = [], [], [], []
        self._in_script, self._row, self._cell = False, None, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            self.sections.append(attrs.get("id"))
        if tag == "figure" and "data-chart" in attrs:
            self.charts.append(attrs["data-chart"])
        if tag == "script":
            self._in_script = True
            self.scripts.append({"type": attrs.get("type"), "text": ""})
        if tag == "tr" and "data-key" in attrs:
            self._row = {"key": attrs["data-key"], "cells": []}
        if tag == "td" and self._row is not None:
            self._cell = ""

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False
        if tag == "td" and self._row is not None:
            self._row["cells"].append(self._cell.strip())
            self._cell = None
        if tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1]["text"] += data
        elif self._cell is not None:
            self._cell += data


def test_classification_report_sections_and_charts(classification_result, classification_html):
    page = _Page(classification_html)
    assert page.sections == [s.id for s in SECTIONS]  # test data was given: every section
    assert {"roc", "precision_recall", "confusion_matrix", "calibration", "lift"} <= set(page.charts)
    assert {"timeline", "best_score", "raw_importance", "engineered_importance"} <= set(page.charts)


def test_leaderboard_lists_failed_trials_with_their_reason(classification_result, classification_html):
    page = _Page(classification_html)
    statuses = {row["cells"][3]: row for row in page.rows}
    assert len(page.rows) == len(classification_result.trials)
    failed = statuses["Failed"]
    assert failed["cells"][2] == "MaxAbsScaler Breaker"
    assert "test estimator failed on purpose" in failed["cells"][6]
    assert page.rows[-1] is failed  # failed trials last
    ranks = [row["cells"][0] for row in page.rows if row["cells"][3] == "Completed"]
    assert ranks == [str(i) for i in range(1, len(ranks) + 1)]


def test_regression_report_charts_and_no_test_section(regression_result):
    page = _Page(build_report(regression_result))
    assert {"predicted_true", "residuals"} <= set(page.charts)
    assert "roc" not in page.charts
    assert "test-metrics" not in page.sections  # no test data
    assert "explanations" in page.sections


def test_forecasting_report_draws_the_backtest(forecasting_result):
    html = build_report(forecasting_result)
    page = _Page(html)
    assert {"forecast", "predicted_true", "residuals", "timeline", "best_score"} <= set(page.charts)
    assert "best-model" in page.sections
    # four series at most: the fifth and sixth stores are not drawn
    assert "store 3" in html and "store 4" not in html
    assert "ImportError: no module named prophet" in html
    assert "enable_model_explainability=False" in html  # no explanation: says why


def test_canceled_trials_are_listed(forecasting_result):
    forecasting_result.trials[2].status = "Canceled"
    forecasting_result.trials[2].error = "canceled: trial_timeout_minutes (0.1) reached"
    page = _Page(build_report(forecasting_result))
    canceled = [row for row in page.rows if row["cells"][3] == "Canceled"]
    assert canceled and "trial_timeout_minutes" in canceled[0]["cells"][6]


@pytest.mark.parametrize("fixture, keys", [
    ("classification_result", ["roc", "precision_recall", "confusion_matrix", "calibration", "lift"]),
    ("regression_result", ["predicted_true", "residuals"]),
    ("forecasting_result", ["forecast", "predicted_true", "residuals"]),
])
def test_every_task_gets_the_charts_its_predictions_support(request, fixture, keys):
    section = best_model(request.getfixturevalue(fixture))
    assert [chart.key for chart in section["charts"]] == keys and not section["problems"]


def test_report_is_self_contained(classification_result, classification_html):
    html = classification_html
    assert not re.search(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//""", html, re.I)
    assert "@import" not in html and not re.search(r"""url\(\s*['"]?(?!#)""", html)
    page = _Page(html)
    assert [s["type"] for s in page.scripts] == ["application/json", None]
    assert "content=\"default-src &#39;none&#39;; script-src &#39;sha256-" in html  # CSP: nothing loads


def test_test_metrics_beside_validation(classification_result, classification_html):
    html = classification_html
    table = html[html.index('id="test-metrics-table"'):]
    table = table[: table.index("</table>")]
    auc = classification_result.test_metrics["AUC_weighted"]
    assert fmt_number(auc) in table and "<th scope=\"col\" class=\"num\">Test</th>" in table


def test_save_report_writes_and_refuses_a_folder(classification_result, tmp_path):
    path = save_report(classification_result, tmp_path / "out" / "report.html")
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert classification_result.save_report(tmp_path / "r.html").exists()
    with pytest.raises(ConfigError, match="is a folder"):
        save_report(classification_result, tmp_path)


def test_worker_lanes_never_overlap():
    starts, ends = [0, 0.5, 1, 2, 2.5, 7], [3, 2, 4, 6, 3, 8]
    lanes = worker_lanes(starts, ends)
    for lane in set(lanes):
        spans = sorted((s, e) for s, e, k in zip(starts, ends, lanes) if k == lane)
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))
    assert max(lanes) + 1 == 4  # four trials ran at once at 2.5 s


@pytest.mark.parametrize("value, text", [(0.5, "0.5000"), (1234.5, "1,234.5"), (3, "3"),
                                         (math.nan, "\u2014"), (None, "\u2014")])
def test_fmt_number(value, text):
    assert fmt_number(value) == text


def test_fmt_duration():
    assert (fmt_duration(5), fmt_duration(125), fmt_duration(7260)) == ("5.0 s", "2 min 5 s", "2 h 1 min")


def test_the_timeline_joins_a_job_s_sessions():
    """Two sessions an hour apart: the second's trials follow the first's, a line marks where it began."""
    def trial(name: str, start: float, seconds: float) -> TrialResult:
        return TrialResult(0, name, "LightGBM", "", {}, "Completed", score=0.5, started_at=start,
                           duration_seconds=seconds)

    trials = [trial("a", 1000.0, 4.0), trial("b", 1002.0, 6.0), trial("c", 4600.0, 5.0), trial("d", 4601.0, 2.0)]
    sessions = [{"kind": "submit", "started_at": 999.0}, {"kind": "resume", "started_at": 4598.0}]
    frame, marks = _timed(trials, sessions)
    assert frame.set_index("name")["start"].to_dict() == {"a": 0.0, "b": 2.0, "c": 8.0, "d": 9.0}
    assert marks == [(8.0, "resume")]
    chart = timeline_chart(trials, sessions)
    assert "2 sessions" in chart.caption and "resumed" in chart.svg
    assert _timed(trials)[0]["start"].max() == 3601.0  # one session: wall-clock times as they were
