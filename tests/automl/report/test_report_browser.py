"""Reports of real jobs opened in headless Chromium: every section there, no script error,
a screenshot that is not blank, and a load time printed."""
from __future__ import annotations

from pathlib import Path

import pytest

from automl.report import SECTIONS
from automl.report.browser import render_page

_CHARTS = {
    "classification": {"roc", "precision_recall", "confusion_matrix", "calibration", "lift", "error_heatmap",
                       "row_contributions"},
    "regression": {"predicted_true", "residuals"},
    "forecasting": {"forecast"},
}


DATA = Path(__file__).resolve().parents[2] / "data"


def _forecasting_job_result(data_dir):
    """A tiny real forecasting job, once ``automl.forecasting`` exists; else the backtest-shaped result."""
    import automl

    if not callable(getattr(automl, "forecasting", None)):  # not exported yet
        return None
    import pandas as pd

    frame = pd.read_csv(data_dir / "airline_passengers.csv")
    time_column = next(c for c in frame.columns if "month" in c.lower() or "date" in c.lower())
    target = next(c for c in frame.columns if c != time_column)
    job = automl.forecasting(training_data=frame, target_column_name=target, name="report_forecasting",
                             forecasting_settings={"time_column_name": time_column, "forecast_horizon": 6},
                             log_verbosity="warning", tracking_uri=False)
    job.set_limits(max_trials=3, max_concurrent_trials=2)
    return job.submit(show_progress=False)


@pytest.fixture
def forecasting_for_browser(request):
    real = _forecasting_job_result(DATA) if (DATA / "airline_passengers.csv").exists() else None
    return real if real is not None else request.getfixturevalue("forecasting_result")


@pytest.mark.parametrize("task", ["classification", "regression", "forecasting"])
def test_report_renders_in_chromium(task, request, tmp_path, chromium, probe, pixel_spread):
    binary = chromium
    fixture = {"classification": "classification_result", "regression": "regression_result",
               "forecasting": "forecasting_for_browser"}[task]
    result = request.getfixturevalue(fixture)
    path = result.save_report(tmp_path / f"{task}.html")
    page = render_page(path, probe, binary=binary)
    print(f"{task} report ({type(result).__name__}): {path.stat().st_size / 1024:.0f} KiB, "
          f"loaded in {page.load_seconds:.2f} s")
    assert page.errors == [] and page.dialogs == []
    dom = page.probe
    assert dom["ready"] == "true"  # the page's script ran to its end
    expected = [s.id for s in SECTIONS if (s.id != "test-metrics" or result.test_metrics)
                and (s.id != "insights" or getattr(result, "insights", None))]
    assert dom["sections"] == expected
    assert _CHARTS[task] <= set(dom["charts"])
    assert dom["rows"] == len(result.trials)
    # A click on Duration sorts the leaderboard by it, ascending (it was ordered by score).
    assert dom["sorted"]["order"] == "ascending"
    assert dom["sorted"]["after"] == sorted(dom["sorted"]["before"]), dom["sorted"]
    assert dom["images"] == 0 and dom["scripts"] == 2
    assert pixel_spread(page.screenshot) > 10


def test_the_harness_sees_errors_and_dialogs(tmp_path, chromium):
    """What the tests above assert is absent is caught when present."""
    page_file = tmp_path / "broken.html"
    page_file.write_text("<!DOCTYPE html><title>t</title><p>x</p><script>alert('hi'); console.error('bad');"
                         "undefinedFunction();</script>", encoding="utf-8")
    page = render_page(page_file, "document.title", binary=chromium)
    assert page.dialogs == ["hi"]
    assert any("undefinedFunction" in e for e in page.errors)
    assert any("console.error: bad" in e for e in page.errors)
    assert page.probe == "t"


def test_no_browser_fails_under_ci_and_skips_elsewhere(monkeypatch, find_browser_or_skip):
    monkeypatch.setenv("CHROMIUM", "/nonexistent/chromium")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="no Chromium"):
        find_browser_or_skip()
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="no Chromium"):
        find_browser_or_skip()
