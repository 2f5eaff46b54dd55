"""Suite-wide settings: jobs never write an MLflow store or their output folders into the checkout.

Tracking is off for the suite except in ``tests/automl/tracking`` and
``tests/automl/export``, whose own fixtures turn it back on against a temporary
store; everywhere else it would only add seconds per job. The forkserver that trial
processes are forked from is kept between the suite's jobs (``AUTOML_KEEP_TRIAL_SERVER``):
stopping it after each, as a job does by default, would add about 1.6 s per job;
``tests/automl/engine/scheduler/test_sched_server.py`` tests the default.
"""
from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def _mlflow_outside_the_checkout(tmp_path_factory):
    names = ("MLFLOW_TRACKING_URI", "AUTOML_TRACKING", "AUTOML_OUTPUTS_DIR", "AUTOML_KEEP_TRIAL_SERVER")
    saved = {name: os.environ.get(name) for name in names}
    os.environ["AUTOML_OUTPUTS_DIR"] = str(tmp_path_factory.mktemp("outputs"))
    os.environ["MLFLOW_TRACKING_URI"] = f"sqlite:///{tmp_path_factory.mktemp('mlflow') / 'mlflow.db'}"
    os.environ["AUTOML_TRACKING"] = "off"
    os.environ["AUTOML_KEEP_TRIAL_SERVER"] = "1"
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


# -- under CI=true a skip is a failure ----------------------------------------------------------
# A test may skip on a user's machine that lacks a part (a browser, an extra); CI installs them
# all, so there a skip, or a module that skips at import (pytest.importorskip), means a test that
# did not run, and fails the run.
def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def _failed_in_ci(report: pytest.TestReport | pytest.CollectReport) -> None:
    if _in_ci() and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true, where every part a test needs is installed: {reason}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    outcome = yield
    _failed_in_ci(outcome.get_result())


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector):
    outcome = yield
    _failed_in_ci(outcome.get_result())
