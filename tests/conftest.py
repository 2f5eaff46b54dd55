"""Suite-wide settings: jobs never write an MLflow store into the checkout.

Tracking is off for the suite except in ``tests/automl/tracking`` and
``tests/automl/export``, whose own fixtures turn it back on against a temporary
store; everywhere else it would only add seconds per job.
"""
from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def _mlflow_outside_the_checkout(tmp_path_factory):
    names = ("MLFLOW_TRACKING_URI", "AUTOML_TRACKING")
    saved = {name: os.environ.get(name) for name in names}
    os.environ["MLFLOW_TRACKING_URI"] = f"sqlite:///{tmp_path_factory.mktemp('mlflow') / 'mlflow.db'}"
    os.environ["AUTOML_TRACKING"] = "off"
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
