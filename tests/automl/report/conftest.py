"""Small real jobs (classification with a failing trial, regression) and a forecasting
result in the shape ``automl.forecasting`` returns, shared by the report tests."""
from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import automl
from automl.engine import AutoMLResult
from automl.testing import registered_test_algorithm
from automl.core import COMPLETED, TrialResult

#: A column name that must show as text and run nothing.
SCRIPT_COLUMN = "<script>alert(1)</script>"
#: A category value that must show as text and load nothing.
IMG_VALUE = "<img src=x onerror=alert(2)>"
DATA = Path(__file__).resolve().parents[2] / "data"


def _classification_frame(n: int = 300, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x, noise = rng.normal(size=n), rng.normal(size=n)
    colour = rng.choice(["red", IMG_VALUE, "blue"], size=n)
    signal = x + (colour == "red") * 1.0 + rng.normal(scale=0.5, size=n)
    return pd.DataFrame({SCRIPT_COLUMN: x, "noise": noise, "colour": colour,
                         "label": np.where(signal > 0.5, "yes", "no")})


def _regression_frame(n: int = 300, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    size, rooms = rng.uniform(20, 200, size=n), rng.integers(1, 6, size=n)
    kind = rng.choice(["flat", "house"], size=n)
    price = 3.0 * size + 20 * rooms + (kind == "house") * 80 + rng.normal(scale=20, size=n)
    return pd.DataFrame({"size": size, "rooms": rooms, "kind": kind, "price": price})


@pytest.fixture(scope="session")
def classification_result() -> AutoMLResult:
    """Breaker (fails on purpose), LightGBM, LogisticRegression and both ensembles; test data."""
    with registered_test_algorithm("classification", "Breaker", "raise", priority=-1):
        job = automl.classification(training_data=_classification_frame(), target_column_name="label",
                                    primary_metric="AUC_weighted", n_cross_validations=3,
                                    test_data_size=0.2, name="report_classification",
                                    log_verbosity="warning", tracking_uri=False)
        job.set_limits(max_trials=5, max_concurrent_trials=2)
        job.set_training(allowed_training_algorithms=["Breaker", "LightGBM", "LogisticRegression"])
        job.set_insights(sensitive_features=["colour"])  # its values hold markup, which must show as text
        return job.submit(show_progress=False)


@pytest.fixture(scope="session")
def regression_result() -> AutoMLResult:
    job = automl.regression(training_data=_regression_frame(), target_column_name="price",
                            primary_metric="r2_score", validation_data_size=0.25,
                            name="report_regression", log_verbosity="warning", tracking_uri=False)
    job.set_limits(max_trials=3, max_concurrent_trials=2)
    job.set_training(allowed_training_algorithms=["LightGBM", "ElasticNet"], enable_stack_ensemble=False)
    return job.submit(show_progress=False)


def backtest_frame(n_series: int = 6, n_points: int = 24) -> pd.DataFrame:
    """A backtest in the shape of ``forecast_backtest``: series, time, actual, forecast, lower, upper."""
    rng = np.random.default_rng(3)
    parts = []
    for s in range(n_series):
        time = pd.date_range("2024-01-01", periods=n_points, freq="MS")
        actual = 100 + 10 * s + 8 * np.sin(np.arange(n_points) / 2) + rng.normal(scale=2, size=n_points)
        forecast = actual + rng.normal(scale=3, size=n_points)
        parts.append(pd.DataFrame({"series": f"store {s} {SCRIPT_COLUMN}" if s == 0 else f"store {s}",
                                   "time": time, "actual": actual, "forecast": forecast,
                                   "lower": forecast - 6, "upper": forecast + 6}))
    return pd.concat(parts, ignore_index=True)


def _trial(i: int, algorithm: str, score: float, start: float, seconds: float,
           status: str = COMPLETED, error: str | None = None) -> TrialResult:
    return TrialResult(i, f"forecast_job_{i}", algorithm, "MaxAbsScaler", {"alpha": 0.1 * i}, status,
                       score=score, metrics={"normalized_root_mean_squared_error": score},
                       duration_seconds=seconds, started_at=1.7e9 + start, error=error)


@pytest.fixture
def forecasting_result() -> AutoMLResult:
    trials = [_trial(0, "ExponentialSmoothing", 0.081, 0, 3), _trial(1, "LightGBM", 0.064, 1, 5),
              _trial(2, "Prophet", float("nan"), 3.5, 1, "Failed", "ImportError: no module named prophet")]
    summary = pd.DataFrame([{"RawFeatureName": "month", "TypeDetected": "DateTime", "Dropped": "No",
                             "EngineeredFeatureCount": 4, "Transformations": ["DateTimeTransformer"]}])
    return AutoMLResult(
        name="forecast_job", task="forecasting", primary_metric="normalized_root_mean_squared_error",
        status="Completed", stop_reason="max_trials (3) reached", best_model=None, best_trial=trials[1],
        trials=trials, metrics=dict(trials[1].metrics), test_metrics=None, guardrails=[],
        featurization_summary=summary, validation={"method": "rolling_origin", "description": "Rolling origin"},
        duration_seconds=12.0, data_shape=(144, 2), concurrent_trials=2, backtest_forecasts=backtest_frame())


@pytest.fixture(scope="session")
def classification_html(classification_result) -> str:
    from automl.report import build_report

    return build_report(classification_result)


# -- the browser: found, or the browser tests skip (fail under CI=true) ---------------------
#: Evaluated in the page once loaded: what the tests check, as plain JSON.
PROBE = """(() => ({
  ready: document.documentElement.getAttribute("data-report-ready"),
  sections: [...document.querySelectorAll("main > section")].map(s => s.id),
  charts: [...document.querySelectorAll("figure[data-chart] svg")].map(s => s.closest("figure").dataset.chart),
  rows: document.querySelectorAll("#leaderboard tbody tr").length,
  scripts: document.scripts.length,
  text: document.body.innerText,
  images: document.images.length,
  sorted: (() => {
    const header = [...document.querySelectorAll("#leaderboard th")].find(h => h.textContent.trim() === "Duration");
    if (!header) { return null; }
    const column = [...header.parentElement.children].indexOf(header);
    const durations = () => [...document.querySelectorAll("#leaderboard tbody tr")].map(
      row => parseFloat(row.cells[column].getAttribute("data-sort") ?? row.cells[column].textContent));
    const before = durations();
    header.click();
    return {before: before, after: durations(), order: header.getAttribute("aria-sort")};
  })(),
}))()"""


def _chromium_or_skip() -> str:
    """Chromium's binary; without one the test skips, or fails when ``CI=true``."""
    from automl.report.browser import find_chromium

    binary = find_chromium()
    try:
        import websocket  # noqa: F401
    except ImportError:
        binary = None
    if binary is None:
        message = ("no Chromium (apt-get install chromium) or no websocket-client "
                   "(pip install -e '.[test]') for the browser tests")
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return binary


def _pixel_spread(png: bytes) -> float:
    """Standard deviation of the screenshot's grey levels: about 0 for a blank page."""
    from PIL import Image

    return float(np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=float).std())


@pytest.fixture(scope="session")
def chromium() -> str:
    """Chromium's binary; without one the test skips, or fails when ``CI=true``."""
    return _chromium_or_skip()


@pytest.fixture(scope="session")
def probe() -> str:
    return PROBE


@pytest.fixture(scope="session")
def pixel_spread():
    return _pixel_spread


@pytest.fixture(scope="session")
def script_column() -> str:
    return SCRIPT_COLUMN


@pytest.fixture(scope="session")
def img_value() -> str:
    return IMG_VALUE


@pytest.fixture(scope="session")
def find_browser_or_skip():
    """The function behind the ``chromium`` fixture, to test that it fails under CI."""
    return _chromium_or_skip
